import { ByAuthor } from '../../accounts/ByAuthor.tsx';
import { useGraphs, useGraphVersions, useRestoreGraphVersion } from '../../api/graphs.ts';
import { useEditor, useEditorStore } from '../store/EditorProvider.tsx';
import type { Notify } from './OpenMenu.tsx';

function ErrorCount({ count }: { count: number }) {
  if (count === 0) return null;
  return <span className="version-invalid"> · {count === 1 ? '1 error' : `${count} errors`}</span>;
}

/** The open graph's saved versions, newest first: open one, or restore it as the head. */
export function VersionsPanel({ notify }: { notify: Notify }) {
  const store = useEditorStore();
  const graphId = useEditor((s) => s.origin.graphId);
  const currentId = useEditor((s) => s.origin.versionId);
  const versions = useGraphVersions(graphId);
  const graphs = useGraphs();
  const restore = useRestoreGraphVersion();
  const head = graphs.data?.find((g) => g.id === graphId)?.headVersionId;

  if (!graphId)
    return (
      <p className="muted small panel-note">
        This graph has not been saved yet. Save a version to start its history.
      </p>
    );
  if (versions.error)
    return <p className="field-error panel-note">Cannot load versions: {versions.error.message}</p>;
  if (!versions.data) return <p className="muted small panel-note">Loading versions…</p>;
  return (
    <ol className="versions" aria-label="Version history">
      {versions.data.map((v, i) => (
        <li
          key={v.id}
          className="version"
          aria-current={v.id === currentId ? 'true' : undefined}
          data-testid="version"
        >
          <div className="version-head">
            <strong className="version-message">{v.message || '(no message)'}</strong>
            {v.id === head ? <span className="tag">head</span> : null}
            {v.id === currentId ? <span className="tag tag-open">open</span> : null}
          </div>
          <div className="version-meta">
            <code title={v.id}>{v.id.slice(0, 11)}</code> · #{versions.data.length - i} ·{' '}
            {new Date(v.createdAt).toLocaleString()}
            <ByAuthor author={v.author} />
            <ErrorCount count={v.issues.filter((x) => x.severity === 'error').length} />
          </div>
          <div className="version-actions">
            <button
              type="button"
              className="small"
              disabled={v.id === currentId}
              onClick={() => {
                store.getState().load(v.graph, { graphId: v.graphId, versionId: v.id });
                notify({ tone: 'ok', text: `Opened version ${v.id.slice(0, 11)}.` });
              }}
            >
              Open
            </button>
            <button
              type="button"
              className="small"
              disabled={v.id === head || restore.isPending}
              onClick={async () => {
                try {
                  const restored = await restore.mutateAsync({ graphId: v.graphId, versionId: v.id });
                  store
                    .getState()
                    .load(restored.graph, { graphId: restored.graphId, versionId: restored.id });
                  notify({ tone: 'ok', text: `Restored version ${restored.id.slice(0, 11)} as the head.` });
                } catch (error) {
                  notify({ tone: 'error', text: `Cannot restore: ${(error as Error).message}` });
                }
              }}
            >
              Restore
            </button>
          </div>
        </li>
      ))}
    </ol>
  );
}
