import type { ReplayDivergence, ReplayResult, StepSide } from '@trellis/shared';
import { formatMs } from '../runs/format.ts';

function Side({ title, side }: { title: string; side: StepSide | null }) {
  return (
    <section className="verdict-side" aria-label={title}>
      <h3>{title}</h3>
      {side === null ? (
        <p className="muted small">No such step.</p>
      ) : (
        <>
          {side.code !== null ? <pre className="payload code-text verdict-text">{side.code}</pre> : null}
          {side.error ? <p className="trace-error">{side.error}</p> : null}
          <pre className="payload obs-text verdict-text">{side.observation ?? '(no observation)'}</pre>
          {side.completed ? <p className="small muted">The task was completed here.</p> : null}
        </>
      )}
    </section>
  );
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function Difference({
  divergence,
  onShowStep,
}: {
  divergence: ReplayDivergence;
  onShowStep: (s: number) => void;
}) {
  return (
    <>
      <p className="verdict-line verdict-differs" data-testid="replay-verdict">
        <strong>Replay differs at step {divergence.step}</strong>: {divergence.message}{' '}
        {divergence.step > 0 ? (
          <button type="button" className="link small" onClick={() => onShowStep(divergence.step)}>
            Show step {divergence.step}
          </button>
        ) : null}
      </p>
      {divergence.request ? (
        <div className="verdict-sides">
          <section className="verdict-side" aria-label="Recorded request">
            <h3>Recorded {divergence.request.field}</h3>
            <pre className="payload verdict-text">{asText(divergence.request.recorded)}</pre>
          </section>
          <section className="verdict-side" aria-label="Replayed request">
            <h3>Replayed {divergence.request.field}</h3>
            <pre className="payload verdict-text">{asText(divergence.request.replayed)}</pre>
          </section>
        </div>
      ) : (
        <div className="verdict-sides">
          <Side title="Recorded" side={divergence.recorded} />
          <Side title="Replayed" side={divergence.replayed} />
        </div>
      )}
    </>
  );
}

/** What replaying a run found: a match on every step, or the first step that differs with both sides. */
export function ReplayVerdict({
  result,
  onShowStep,
}: {
  result: ReplayResult;
  onShowStep: (step: number) => void;
}) {
  const steps = result.steps.length;
  return (
    <div className="replay-verdict">
      {result.match ? (
        <p className="verdict-line verdict-match" data-testid="replay-verdict">
          <strong>Replay matches the record on every step</strong> ({steps} step{steps === 1 ? '' : 's'}
          {result.evaluation.recorded ? ', and the evaluation' : ''}).
        </p>
      ) : result.firstDivergence ? (
        <Difference divergence={result.firstDivergence} onShowStep={onShowStep} />
      ) : (
        <p className="verdict-line verdict-differs" data-testid="replay-verdict">
          <strong>Replay differs</strong>: ended {result.replayedStatus}, the record {result.recordedStatus}.
        </p>
      )}
      {result.stoppedAt !== null ? (
        <p className="small muted">
          The record stops at step {result.stoppedAt} ({result.recordedStatus}): compared up to there.
        </p>
      ) : null}
      <p className="small muted">
        {result.modelCalls} model call{result.modelCalls === 1 ? '' : 's'} answered from the record, none sent
        to a model · replayed in {formatMs(result.durationMs)}
        {result.recordedDurationMs !== null ? ` (the run took ${formatMs(result.recordedDurationMs)})` : ''}
      </p>
    </div>
  );
}
