import type { RunEventOf } from '@trellis/shared';
import { memo } from 'react';
import { kindStyle } from '../../kindStyle.ts';
import { ClippedText } from '../ClippedText.tsx';
import { RoleTag } from '../StatusBadge.tsx';

type Correction = RunEventOf<'correction'>;

export const REASON_LABELS: Record<Correction['reason'], string> = {
  always: 'reviews every block',
  after_failure: 'after a failure',
  loop_breaker: 'loop-breaker',
};

/** The corrector's verdict on the agent's code: revised or left alone, and why. */
export const CorrectionRow = memo(function CorrectionRow({
  correction,
  index,
  onDiff,
}: {
  correction: Correction;
  index: number;
  onDiff: (step: number) => void;
}) {
  return (
    <article className="trace-item trace-correction" style={kindStyle('corrector')} aria-label="Correction">
      <header className="trace-item-head">
        <RoleTag kind="corrector" />
        <strong>{correction.changed ? 'Revised the code' : 'No change'}</strong>
        <span className={`tpill reason-${correction.reason}`}>{REASON_LABELS[correction.reason]}</span>
        {correction.codeBefore !== '' ? (
          <button type="button" className="small ghost push-end" onClick={() => onDiff(correction.step)}>
            Open diff
          </button>
        ) : null}
      </header>
      {correction.rationale ? <p className="correction-rationale">{correction.rationale}</p> : null}
      {correction.changed ? (
        <ClippedText
          id={`revised:${correction.step}:${index}`}
          text={correction.codeAfter}
          className="payload code-text"
        />
      ) : null}
    </article>
  );
});
