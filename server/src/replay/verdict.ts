import {
  canonicalJson,
  type Evaluation,
  type ReplayDivergence,
  type ReplayResult,
  type RequestDivergence,
  type RunStatus,
  type StepRecord,
  type StepSide,
} from '@trellis/shared';

const side = (step: StepRecord | undefined): StepSide | null =>
  step
    ? {
        code: step.code,
        observation: step.observation,
        ok: step.ok,
        error: step.error,
        completed: step.completed,
        executed: step.executed,
      }
    : null;

/** How one step's action differs between the record and the replay, or null when it does not. */
function stepDifference(
  recorded: StepRecord,
  replayed: StepRecord,
): { kind: ReplayDivergence['kind']; message: string } | null {
  const s = recorded.step;
  if (recorded.executed !== replayed.executed) {
    return recorded.executed
      ? { kind: 'missing_step', message: `the record ran an action at step ${s}; the replay ended before it` }
      : { kind: 'extra_step', message: `the replay ran an action at step ${s}; the record has none` };
  }
  if (!recorded.executed) return null;
  if (recorded.code !== replayed.code) return { kind: 'code', message: `step ${s} ran other code` };
  if (recorded.observation !== replayed.observation) {
    return { kind: 'observation', message: `step ${s} observed something else than the record` };
  }
  if (recorded.ok !== replayed.ok || recorded.error !== replayed.error) {
    return {
      kind: 'error',
      message: `step ${s} ${replayed.ok ? 'succeeded' : 'failed'} where the record ${recorded.ok ? 'succeeded' : 'failed'}`,
    };
  }
  if (recorded.completed !== replayed.completed) {
    return {
      kind: 'completion',
      message: `the task was ${replayed.completed ? '' : 'not '}complete after step ${s}, unlike the record`,
    };
  }
  return null;
}

export interface VerdictInput {
  recorded: { steps: StepRecord[]; status: RunStatus; evaluation: Evaluation | null; stopped: boolean };
  replayed: { steps: StepRecord[]; status: RunStatus; evaluation: Evaluation | null };
  /** The request the recorded model refused, if it refused one. */
  refused: RequestDivergence | null;
}

/**
 * Compares a replay with its record step by step, in order, and stops at the first difference: a refused model
 * request, then each step's action (code, observation, error, completion), then the run's ending and evaluation.
 * A record that stopped early is compared up to where it stopped, and within its last step only as far as it got.
 */
export function replayVerdict(
  input: VerdictInput,
): Pick<ReplayResult, 'match' | 'steps' | 'firstDivergence' | 'evaluation' | 'stoppedAt'> {
  const { recorded, replayed, refused } = input;
  const stoppedAt = recorded.stopped ? (recorded.steps.at(-1)?.step ?? 0) : null;
  const count = recorded.stopped
    ? recorded.steps.length
    : Math.max(recorded.steps.length, replayed.steps.length);
  const steps: ReplayResult['steps'] = [];
  let first: ReplayDivergence | null = null;
  for (let i = 0; i < count && first === null; i++) {
    const r = recorded.steps[i];
    const p = replayed.steps[i];
    const step = (r ?? p)!.step;
    const diverge = (kind: ReplayDivergence['kind'], message: string) => {
      first = { step, kind, message, recorded: side(r), replayed: side(p), request: null };
    };
    if (refused && refused.step <= step) {
      first = {
        step: refused.step,
        kind: 'request',
        message: refused.message,
        recorded: side(r),
        replayed: side(p),
        request: refused,
      };
    } else if (!r) {
      diverge('extra_step', `the replay took step ${step}; the record ended before it`);
    } else if (!p) {
      diverge('missing_step', `the record took step ${step}; the replay ended before it`);
    } else if (!(recorded.stopped && i === recorded.steps.length - 1 && !r.executed)) {
      const difference = stepDifference(r, p);
      if (difference) diverge(difference.kind, difference.message);
    }
    steps.push({ step, match: first === null });
  }
  const lastStep = recorded.steps.at(-1)?.step ?? 0;
  if (first === null && refused) {
    first = {
      step: refused.step,
      kind: 'request',
      message: refused.message,
      recorded: null,
      replayed: null,
      request: refused,
    };
  }
  if (first === null && !recorded.stopped && recorded.status !== replayed.status) {
    first = {
      step: lastStep,
      kind: 'status',
      message: `the replay ended ${replayed.status} where the record ended ${recorded.status}`,
      recorded: null,
      replayed: null,
      request: null,
    };
  }
  const evaluationMatch =
    recorded.stopped || canonicalJson(recorded.evaluation) === canonicalJson(replayed.evaluation);
  if (first === null && !evaluationMatch) {
    first = {
      step: lastStep,
      kind: 'evaluation',
      message: 'the final evaluation differs from the record',
      recorded: null,
      replayed: null,
      request: null,
    };
  }
  return {
    match: first === null,
    steps,
    firstDivergence: first,
    evaluation: { recorded: recorded.evaluation, replayed: replayed.evaluation, match: evaluationMatch },
    stoppedAt,
  };
}
