import { ClippedText } from '../ClippedText.tsx';
import { PANEL_LIMITS } from '../clip.ts';
import { formatMs, formatTokens } from '../format.ts';
import type { RunView, StepView } from '../runView.ts';
import { RoleTag } from '../StatusBadge.tsx';
import { byRoleOrder } from '../timeline.ts';
import { waitingText } from '../trace/CallRow.tsx';
import { Disclosure } from '../trace/Disclosure.tsx';

/** Every role's output in one step, side by side, with the executor's observation last. */
export function OutputsView({ view, step }: { view: RunView; step: StepView }) {
  const calls = step.calls
    .map((id) => view.calls[id])
    .filter((call) => call !== undefined)
    .sort((a, b) => byRoleOrder(a.role, b.role));
  if (calls.length === 0 && step.actions.length === 0) {
    return <p className="muted inspect-empty">Nothing ran in this step yet.</p>;
  }
  return (
    <div className="side-by-side" data-testid="outputs-view">
      {calls.map((call) => (
        <section key={call.callId} className="side-pane" aria-label={`${call.role} output`}>
          <header className="side-pane-head">
            <RoleTag kind={call.role} />
            <span className="muted small">
              {call.done
                ? `${formatMs(call.latencyMs)} · ${formatTokens(call.usage?.completionTokens)} tok out`
                : 'streaming…'}
            </span>
          </header>
          {call.reasoning ? (
            <Disclosure id={`side-reasoning:${call.callId}`} label="Reasoning">
              {() => (
                <ClippedText
                  id={`side-reasoning:${call.callId}`}
                  text={call.reasoning}
                  limits={PANEL_LIMITS}
                  className="payload think-text"
                />
              )}
            </Disclosure>
          ) : null}
          <ClippedText
            id={`side-out:${call.callId}`}
            text={call.text}
            limits={PANEL_LIMITS}
            className="payload llm-output"
            placeholder={waitingText(call)}
            streaming={!call.done}
          />
          {call.error ? <p className="trace-error">{call.error}</p> : null}
        </section>
      ))}
      {step.actions.map((action, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: actions are only ever appended
        <section key={`action-${i}`} className="side-pane" aria-label="executor observation">
          <header className="side-pane-head">
            <RoleTag kind="executor" />
            <span className={`tpill ${action.ok ? 'tpill-ok' : 'tpill-bad'}`}>
              {action.ok ? 'ok' : 'error'}
            </span>
          </header>
          {action.error ? <p className="trace-error">{action.error}</p> : null}
          <ClippedText
            id={`side-obs:${step.step}:${i}`}
            text={action.observation}
            limits={PANEL_LIMITS}
            className="payload obs-text"
          />
        </section>
      ))}
    </div>
  );
}
