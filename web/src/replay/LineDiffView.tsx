import { useMemo } from 'react';
import { foldDiff, lineDiff } from './lineDiff.ts';

const MARK = { same: ' ', removed: '−', added: '+' } as const;

/** Two texts as a unified line diff, kept lines far from a change folded away. */
export function LineDiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = useMemo(() => foldDiff(lineDiff(before, after), 2), [before, after]);
  return (
    <pre className="line-diff" title={label}>
      {lines.map((line, i) =>
        line.kind === 'fold' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: a diff's lines have no identity but their place
          <span key={i} className="line-diff-fold">
            ⋯ {line.count} unchanged line{line.count === 1 ? '' : 's'}
            {'\n'}
          </span>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: a diff's lines have no identity but their place
          <span key={i} className={`line-diff-${line.kind}`}>
            <span className="line-diff-mark" aria-hidden="true">
              {MARK[line.kind]}
            </span>
            {line.text}
            {'\n'}
          </span>
        ),
      )}
    </pre>
  );
}
