import type { RunDetail } from '@trellis/shared';
import { lazy, Suspense, useState } from 'react';
import { useReplay } from '../api/replay.ts';
import { isLive } from '../api/runs.ts';
import type { RunView } from '../runs/runView.ts';
import { lastFinishedOf } from './firstFailure.ts';
import { Popover } from './Popover.tsx';
import { ReplayVerdict } from './ReplayVerdict.tsx';
import './replay.css';

const ForkDialog = lazy(() => import('./ForkDialog.tsx'));

function ReplayButton({
  runId,
  finished,
  onShowStep,
}: {
  runId: string;
  finished: boolean;
  onShowStep: (step: number) => void;
}) {
  const replay = useReplay(runId);
  const [open, setOpen] = useState(false);
  return (
    <Popover
      label="Replay verdict"
      className="verdict-popover"
      align="end"
      open={open}
      disabled={!finished}
      title={
        finished
          ? 'Re-run the record with no model and compare every step'
          : 'Replay once the run has finished'
      }
      onOpenChange={(next) => {
        setOpen(next);
        if (next && !replay.isPending) replay.mutate();
      }}
      button={replay.isPending ? 'Replaying…' : 'Replay'}
    >
      {replay.isPending ? <p className="muted">Re-running the record with no model…</p> : null}
      {replay.error ? (
        <p className="run-error" role="alert">
          {replay.error.message}
        </p>
      ) : null}
      {replay.data ? (
        <ReplayVerdict
          result={replay.data}
          onShowStep={(step) => {
            setOpen(false);
            onShowStep(step);
          }}
        />
      ) : null}
    </Popover>
  );
}

/**
 * What can be done with a recorded run, in its header: replay it, fork it from the step being inspected; and where
 * it first failed.
 */
export function RunActions({
  runId,
  run,
  view,
  selectedStep,
  firstFailure,
  onShowStep,
}: {
  runId: string;
  run: RunDetail | undefined;
  view: RunView;
  selectedStep: number | null;
  firstFailure: number | null;
  onShowStep: (step: number) => void;
}) {
  const [forkStep, setForkStep] = useState<number | null>(null);
  const status = view.finished?.status ?? run?.status;
  const live = status === undefined || isLive(status);
  const forkable = live ? lastFinishedOf(view) : (view.steps.at(-1)?.step ?? 0);
  const step = selectedStep ?? firstFailure ?? view.steps.at(-1)?.step ?? null;
  const canFork = step !== null && step <= forkable;
  return (
    <div className="run-actions">
      <div className="run-actions-row">
        <ReplayButton runId={runId} finished={!live} onShowStep={onShowStep} />
        <button
          type="button"
          className="small"
          disabled={!canFork || run === undefined}
          title={
            canFork
              ? `Start a new run: steps before ${step} from the record, live from step ${step}`
              : 'A live run can be forked only at a step it has finished'
          }
          onClick={() => step !== null && setForkStep(step)}
        >
          Fork from step {step ?? '–'}…
        </button>
      </div>
      {firstFailure !== null ? (
        <button
          type="button"
          className="link small first-failure-link"
          data-testid="first-failure"
          onClick={() => onShowStep(firstFailure)}
        >
          <span aria-hidden="true">✗</span> First failure: step {firstFailure}
        </button>
      ) : null}
      {forkStep !== null && run ? (
        <Suspense fallback={null}>
          <ForkDialog
            run={run}
            view={view}
            initialStep={forkStep}
            lastStep={forkable}
            onClose={() => setForkStep(null)}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
