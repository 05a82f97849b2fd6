import type { GraphVersion } from '@trellis/shared';
import { useState } from 'react';
import { useGraphs, useGraphVersions } from '../../api/graphs.ts';
import { formatWhen } from '../../runs/format.ts';
import type { ChangeDraft } from './changeDraft.ts';

/** Another saved version to run, from the run's graph or any other; picking one drops node edits made on the last. */
export function VersionPanel({
  current,
  draft,
  onDraft,
}: {
  /** The version the runs used. */
  current: GraphVersion;
  draft: ChangeDraft;
  onDraft: (draft: ChangeDraft) => void;
}) {
  const graphs = useGraphs();
  const [graphId, setGraphId] = useState(current.graphId);
  const versions = useGraphVersions(graphId);
  const chosen = draft.versionId ?? current.id;
  const pick = (id: string) => {
    if (id === chosen) return;
    onDraft({ ...draft, versionId: id === current.id ? null : id, nodes: {} });
  };
  const edits = Object.keys(draft.nodes).length;
  return (
    <div className="version-panel">
      <label className="field">
        <span className="field-label">Graph</span>
        <select value={graphId} onChange={(event) => setGraphId(event.target.value)}>
          {(graphs.data ?? []).map((g) => (
            <option key={g.id} value={g.id}>
              {g.name} ({g.versionCount} version{g.versionCount === 1 ? '' : 's'})
            </option>
          ))}
          {graphs.data?.some((g) => g.id === current.graphId) ? null : (
            <option value={current.graphId}>{current.name}</option>
          )}
        </select>
      </label>
      {edits > 0 ? (
        <p className="small muted">Picking another version drops the node settings edited on this one.</p>
      ) : null}
      {versions.error ? <p className="run-error">{versions.error.message}</p> : null}
      <ul className="version-list" aria-label="Versions">
        {(versions.data ?? []).map((version) => (
          <li key={version.id}>
            <label className={`version-item${version.id === chosen ? ' is-selected' : ''}`}>
              <input
                type="radio"
                name="graph-version"
                checked={version.id === chosen}
                onChange={() => pick(version.id)}
              />
              <span className="version-text">
                <span>
                  <strong>{version.name}</strong> <code className="muted">{version.id.slice(0, 14)}</code>
                  {version.id === current.id ? <span className="tpill">the run's version</span> : null}
                </span>
                <span className="muted small">
                  {version.message || 'no message'} · {formatWhen(version.createdAt)}
                </span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {versions.isLoading ? <p className="muted small">Loading versions…</p> : null}
    </div>
  );
}
