import { callsModel, describeEditChange, diffGraphs, type EditChange, type Graph } from '@trellis/shared';
import type { ReactNode } from 'react';
import { useEndpoints } from '../../api/endpoints.ts';
import { LineDiffView } from '../LineDiffView.tsx';
import { type BindingChoice, type ChangeDraft, settingChanges } from './changeDraft.ts';

/** At most this many graph differences are listed one by one for another version. */
const MAX_VERSION_LINES = 12;

const isText = (value: unknown): value is string => typeof value === 'string';

/** One setting's change: a line, and for text that spans lines, the text as a diff. */
export function ChangeLine({ change }: { change: EditChange }) {
  const { before, after } = change;
  const diffable =
    isText(before) && isText(after) && [before, after].some((t) => t.includes('\n') || t.length > 60);
  return (
    <li className="review-item">
      <span className="review-line">{describeEditChange(change)}</span>
      {diffable ? <LineDiffView before={before} after={after} label={change.path} /> : null}
    </li>
  );
}

function bindingText(binding: BindingChoice, nameOf: (id: string) => string): string {
  const parts = [
    binding.endpointId ? `endpoint ${nameOf(binding.endpointId)}` : null,
    binding.model ? `model ${binding.model}` : binding.endpointId ? 'its default model' : null,
  ].filter(Boolean);
  return parts.join(', ');
}

/**
 * The edit as a readable diff, before anything starts: another version (with what differs from the run's graph),
 * each setting changed (prompts as line diffs), endpoints and models, and anything the caller adds (the reply).
 */
export function ChangeReview({
  runGraph,
  base,
  draft,
  extra,
  emptyText,
}: {
  /** The graph the runs used. */
  runGraph: Graph;
  /** The graph the change starts from: the chosen version's, else the run's. */
  base: Graph;
  draft: ChangeDraft;
  extra?: ReactNode;
  emptyText: string;
}) {
  const endpoints = useEndpoints().data ?? [];
  const nameOf = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;
  const versionChanges = draft.versionId ? diffGraphs(runGraph, base) : [];
  const settings = settingChanges(base, draft);
  const llmNodes = new Set(base.nodes.filter(callsModel).map((n) => n.id));
  const overrides = Object.entries(draft.overrides).filter(
    ([id, b]) => llmNodes.has(id) && (b.endpointId !== null || b.model !== null),
  );
  const runDefault = bindingText(draft.runDefault, nameOf);
  const nothing =
    !draft.versionId && settings.length === 0 && overrides.length === 0 && runDefault === '' && !extra;
  return (
    <section className="change-review" aria-label="The edit">
      <h3>The edit</h3>
      {nothing ? <p className="muted small">{emptyText}</p> : null}
      <ul className="review-list">
        {draft.versionId ? (
          <li className="review-item">
            <span className="review-line">
              graph version → <code>{draft.versionId}</code> ({versionChanges.length} difference
              {versionChanges.length === 1 ? '' : 's'} from the run's)
            </span>
            <ul className="review-list review-nested">
              {versionChanges.slice(0, MAX_VERSION_LINES).map((change) => (
                <ChangeLine key={change.path} change={change} />
              ))}
              {versionChanges.length > MAX_VERSION_LINES ? (
                <li className="muted small">and {versionChanges.length - MAX_VERSION_LINES} more</li>
              ) : null}
            </ul>
          </li>
        ) : null}
        {settings.map((change) => (
          <ChangeLine key={change.path} change={change} />
        ))}
        {runDefault ? (
          <li className="review-item">
            <span className="review-line">run default: {runDefault}</span>
          </li>
        ) : null}
        {overrides.map(([id, binding]) => (
          <li key={id} className="review-item">
            <span className="review-line">
              {id}: {bindingText(binding, nameOf)}
            </span>
          </li>
        ))}
        {extra}
      </ul>
    </section>
  );
}
