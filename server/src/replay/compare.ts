import { alignSteps, type CompareResult, stepsOf } from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import type { RunEvents } from '../runs/events.ts';
import type { RunRepo } from '../store/runs.ts';

/** Compares two runs of the same task step by step (either may still be live: what is recorded so far). */
export async function compareRuns(
  deps: { runs: RunRepo; events: RunEvents },
  leftId: string,
  rightId: string,
): Promise<CompareResult> {
  const left = await deps.runs.get(leftId);
  if (!left) throw new DomainError('not_found', 'not_found', `run '${leftId}' does not exist`);
  const right = await deps.runs.get(rightId);
  if (!right) throw new DomainError('not_found', 'not_found', `run '${rightId}' does not exist`);
  if (left.taskId !== right.taskId) {
    throw new DomainError(
      'unprocessable',
      'different_tasks',
      `run '${leftId}' is on task '${left.taskId}' and run '${rightId}' on task '${right.taskId}'; compare two runs of the same task`,
    );
  }
  const steps = {
    left: stepsOf(await deps.events.list(leftId)),
    right: stepsOf(await deps.events.list(rightId)),
  };
  return { left, right, alignment: alignSteps(steps.left, steps.right), steps };
}
