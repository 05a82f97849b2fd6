import type { ForkFinding, RunEvent, StepRecord } from '@trellis/shared';
import type { RunEvents } from '../runs/events.ts';
import type { LineageRepo } from '../store/lineage.ts';
import type { RecordedModel } from './recorded-model.ts';

/**
 * Watches a fork rebuild its recorded steps and keeps, on its lineage, every way they differed from the record:
 * an action that observed something else, or a request that differed (answered from the record all the same).
 * The deterministic world makes these empty; when they are not, that is the finding. Resolves once the findings
 * are stored: when the fork reaches its first live step, or ends before it.
 */
export async function checkPrefix(options: {
  events: RunEvents;
  lineage: LineageRepo;
  runId: string;
  untilStep: number;
  recorded: readonly StepRecord[];
  /** The models that answered the recorded steps, with what they noticed. */
  models: readonly RecordedModel[];
}): Promise<void> {
  const findings: ForkFinding[] = [];
  const recorded = new Map(options.recorded.map((s) => [s.step, s]));
  let unsubscribe: (() => void) | null = null;
  let done = false;
  // Settled by the follower: with the findings' write once the prefix is rebuilt, or a fault reading the run.
  let store!: (write: Promise<void>) => void;
  let fail!: (error: Error) => void;
  const stored = new Promise<void>((resolve, reject) => {
    store = resolve;
    fail = reject;
  });
  const finish = () => {
    if (done) return;
    done = true;
    for (const divergence of options.models.flatMap((m) => m.findings)) {
      findings.push({
        step: divergence.step,
        kind: 'request',
        message: divergence.message,
        recorded: divergence.recorded,
        replayed: divergence.replayed,
      });
    }
    findings.sort((a, b) => a.step - b.step);
    store(options.lineage.setFindings(options.runId, findings));
    unsubscribe?.();
  };
  const onEvent = (event: RunEvent) => {
    if (done) return;
    if ((event.type === 'step.started' && event.step >= options.untilStep) || event.type === 'run.finished') {
      finish();
      return;
    }
    if (event.type !== 'action.executed') return;
    const step = recorded.get(event.step);
    if (step && step.observation === event.observation && step.ok === event.ok) return;
    findings.push({
      step: event.step,
      kind: 'observation',
      message: step
        ? `step ${event.step} observed something else than the record`
        : `step ${event.step} ran an action the record does not have`,
      recorded: step ? { code: step.code, observation: step.observation, ok: step.ok } : null,
      replayed: { code: event.code || null, observation: event.observation, ok: event.ok },
    });
  };
  unsubscribe = options.events.follow(options.runId, 0, { event: onEvent, end: finish, fail });
  if (done) unsubscribe();
  await stored;
}
