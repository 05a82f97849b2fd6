import { CodeDiff } from './inspect/CodeDiff.tsx';
import { ObservationView } from './inspect/ObservationView.tsx';
import { OutputsView } from './inspect/OutputsView.tsx';
import { SummaryCompare } from './inspect/SummaryCompare.tsx';
import type { InspectTab } from './RunTrace.tsx';
import type { RunView, StepView } from './runView.ts';

const TABS: { id: InspectTab; label: string; has: (step: StepView) => boolean }[] = [
  { id: 'outputs', label: 'Outputs', has: (s) => s.calls.length > 0 || s.actions.length > 0 },
  { id: 'diff', label: 'Corrector diff', has: (s) => s.corrections.some((c) => c.codeBefore !== '') },
  { id: 'summary', label: 'Summarizer', has: (s) => s.summary !== null },
  { id: 'observation', label: 'Observation', has: (s) => s.actions.length > 0 },
];

interface Props {
  /** null while the page's first paint is under way: the card keeps its place, empty. */
  view: RunView | null;
  step: StepView | null;
  tab: InspectTab;
  onTab: (tab: InspectTab) => void;
  onStep: (step: number) => void;
}

/** Side-by-side views of one step: outputs, the corrector's diff, the summarizer's before/after, the observation. */
export function StepInspector({ view, step, tab, onTab, onStep }: Props) {
  if (view === null)
    return <section className="card step-inspector" aria-label="Step inspector" aria-busy="true" />;
  if (!step) {
    return (
      <section className="card step-inspector" aria-label="Step inspector">
        <p className="muted inspect-empty">Select a step in the trace or the timeline to inspect it.</p>
      </section>
    );
  }
  const index = view.steps.indexOf(step);
  const previous = view.steps[index - 1];
  const next = view.steps[index + 1];
  return (
    <section className="card step-inspector" aria-label="Step inspector">
      <header className="step-inspector-head">
        <div className="step-nav">
          <button
            type="button"
            className="small ghost"
            aria-label="Previous step"
            disabled={!previous}
            onClick={() => previous && onStep(previous.step)}
          >
            ‹
          </button>
          <h2>Step {step.step}</h2>
          <button
            type="button"
            className="small ghost"
            aria-label="Next step"
            disabled={!next}
            onClick={() => next && onStep(next.step)}
          >
            ›
          </button>
        </div>
        <div className="step-tabs" role="tablist" aria-label="Step views">
          {TABS.map((t) => {
            const available = t.has(step);
            return (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                className={`step-tab${available ? '' : ' is-empty'}`}
                onClick={() => onTab(t.id)}
                title={available ? undefined : 'nothing of this kind in this step'}
              >
                {t.label}
              </button>
            );
          })}
        </div>
      </header>
      <div className="step-inspector-body" role="tabpanel" aria-label={TABS.find((t) => t.id === tab)?.label}>
        {tab === 'outputs' ? <OutputsView view={view} step={step} /> : null}
        {tab === 'diff' ? <CodeDiff key={step.step} corrections={step.corrections} /> : null}
        {tab === 'summary' ? <SummaryCompare summary={step.summary} /> : null}
        {tab === 'observation' ? <ObservationView step={step} /> : null}
      </div>
    </section>
  );
}
