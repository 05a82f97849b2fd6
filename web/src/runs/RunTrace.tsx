import type { RunView } from './runView.ts';

/** The live trace of a run, step by step. */
export function RunTrace({ view }: { runId: string; view: RunView }) {
  return (
    <div className="run-trace">
      {view.steps.length} steps · {view.eventCount} events
    </div>
  );
}
