import type { RunEventOf } from '@trellis/shared';
import { memo } from 'react';
import { kindStyle } from '../../kindStyle.ts';
import { ClippedText } from '../ClippedText.tsx';
import { formatTokens } from '../format.ts';
import { RoleTag } from '../StatusBadge.tsx';

type Summary = RunEventOf<'summary.applied'>;

export function ArtifactChips({ summary }: { summary: Summary }) {
  const groups = [
    {
      fate: 'kept',
      label: 'kept',
      items: summary.artifactsKept.filter((a) => !summary.artifactsRestored.includes(a)),
    },
    { fate: 'restored', label: 'restored by pinning', items: summary.artifactsRestored },
    { fate: 'lost', label: 'lost', items: summary.artifactsLost },
  ] as const;
  return (
    <ul className="artifact-groups" aria-label="Artifacts">
      {groups
        .filter((g) => g.items.length > 0)
        .map((group) => (
          <li key={group.fate} className={`artifact-group fate-${group.fate}`}>
            <span className="artifact-group-label">
              {group.items.length} {group.label}
            </span>
            {group.items.slice(0, 6).map((artifact) => (
              <code key={artifact} className={`artifact fate-${group.fate}`}>
                {artifact}
              </code>
            ))}
            {group.items.length > 6 ? (
              <span className="muted small">+{group.items.length - 6} more</span>
            ) : null}
          </li>
        ))}
    </ul>
  );
}

/** The summarizer compressed the history: by how much, which artifacts survived, and the summary itself. */
export const SummaryRow = memo(function SummaryRow({
  summary,
  onCompare,
}: {
  summary: Summary;
  onCompare: (step: number) => void;
}) {
  const saved = summary.tokensBefore > 0 ? 1 - summary.tokensAfter / summary.tokensBefore : 0;
  return (
    <article
      className="trace-item trace-summary"
      style={kindStyle('summarizer')}
      aria-label="Summary applied"
    >
      <header className="trace-item-head">
        <RoleTag kind="summarizer" />
        <strong>Compressed {summary.turnsCompressed} turns</strong>
        <span className="metrics-inline">
          <span>
            {formatTokens(summary.tokensBefore)} → {formatTokens(summary.tokensAfter)} tok
          </span>
          <span>−{Math.round(saved * 100)}%</span>
        </span>
        <button type="button" className="small ghost push-end" onClick={() => onCompare(summary.step)}>
          Before / after
        </button>
      </header>
      <ArtifactChips summary={summary} />
      <ClippedText id={`summary:${summary.step}`} text={summary.summary} className="payload llm-output" />
    </article>
  );
});
