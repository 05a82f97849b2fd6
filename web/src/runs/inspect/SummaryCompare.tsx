import type { RunEventOf } from '@trellis/shared';
import { useMemo } from 'react';
import { formatTokens } from '../format.ts';
import { type ArtifactFate, artifactFates, markArtifacts } from '../highlight.ts';
import { ArtifactChips } from '../trace/SummaryRow.tsx';

type Summary = RunEventOf<'summary.applied'>;

const FATE_TITLES = {
  kept: 'kept verbatim in the summary',
  restored: 'dropped by the model, put back by pinning',
  lost: 'missing from the summary',
} as const;

function MarkedText({ text, fates }: { text: string; fates: ReturnType<typeof artifactFates> }) {
  const segments = useMemo(() => markArtifacts(text, fates), [text, fates]);
  return (
    <pre className="payload marked-text">
      {segments.map((segment, i) =>
        segment.fate ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from fixed text
          <mark key={i} className={`fate-${segment.fate}`} title={FATE_TITLES[segment.fate]}>
            {segment.text}
          </mark>
        ) : (
          segment.text
        ),
      )}
    </pre>
  );
}

/**
 * What the summarizer read beside what it wrote, with every pinned artifact marked where it appears: kept,
 * restored by pinning, or lost (flagged in the input, where it was last seen).
 */
export function SummaryCompare({ summary }: { summary: Summary | null }) {
  const fates = useMemo(
    () => (summary ? artifactFates(summary) : new Map<string, ArtifactFate>()),
    [summary],
  );
  if (!summary)
    return <p className="muted inspect-empty">The summarizer did not compress the history in this step.</p>;
  return (
    <div className="summary-compare" data-testid="summary-compare">
      <div className="summary-facts">
        <span>
          {summary.turnsCompressed} turns · {formatTokens(summary.tokensBefore)} →{' '}
          {formatTokens(summary.tokensAfter)} tokens
        </span>
        <span className="fate-legend">
          <mark className="fate-kept">kept</mark>
          <mark className="fate-restored">restored by pinning</mark>
          <mark className="fate-lost">lost</mark>
        </span>
      </div>
      {summary.artifactsLost.length > 0 ? (
        <p className="lost-flag" role="alert">
          {summary.artifactsLost.length} artifact{summary.artifactsLost.length === 1 ? '' : 's'} lost:{' '}
          {summary.artifactsLost.map((a) => (
            <code key={a}>{a}</code>
          ))}
        </p>
      ) : null}
      <ArtifactChips summary={summary} />
      <div className="side-by-side two fill">
        <section className="side-pane" aria-label="Summarizer input">
          <h3>Before · the history it read</h3>
          <MarkedText text={summary.input} fates={fates} />
        </section>
        <section className="side-pane" aria-label="Summarizer output">
          <h3>After · the summary the next step sees</h3>
          <MarkedText text={summary.summary} fates={fates} />
        </section>
      </div>
    </div>
  );
}
