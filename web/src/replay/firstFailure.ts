import { firstFailedStep, lastFinishedStep, type StepOutcome } from '@trellis/shared';
import { createContext } from 'react';
import type { RunView } from '../runs/runView.ts';

function outcomes(view: RunView): StepOutcome[] {
  return view.steps.map((step) => {
    const last = step.actions.at(-1);
    return { step: step.step, executed: last !== undefined, ok: last ? last.ok : null };
  });
}

/** Where a run first went wrong, by the rule replay and rescue use; null when no step did. */
export function firstFailureOf(view: RunView): number | null {
  return firstFailedStep(outcomes(view), view.finished?.status);
}

/** The last step a run has finished: a live run can be forked up to there. */
export function lastFinishedOf(view: RunView): number {
  return lastFinishedStep(outcomes(view));
}

/** The step where the open run first failed, for the trace's step headings to mark without threading a prop. */
export const FirstFailureContext = createContext<number | null>(null);
