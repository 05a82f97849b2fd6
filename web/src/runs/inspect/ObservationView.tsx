import { ClippedText } from '../ClippedText.tsx';
import { PANEL_LIMITS } from '../clip.ts';
import { formatMs } from '../format.ts';
import type { StepView } from '../runView.ts';

/** What the executor ran in a step and what came back: code beside observation, then the API calls. */
export function ObservationView({ step }: { step: StepView }) {
  if (step.actions.length === 0)
    return <p className="muted inspect-empty">No action was executed in this step.</p>;
  return (
    <div className="observation-list" data-testid="observation-view">
      {step.actions.map((action, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: actions are only ever appended
        <div key={i} className="observation-block">
          <div className="side-by-side two">
            <section className="side-pane" aria-label="Executed code">
              <h3>Code</h3>
              <ClippedText
                id={`obs-code:${step.step}:${i}`}
                text={action.code}
                limits={PANEL_LIMITS}
                className="payload code-text"
                placeholder="(no code)"
              />
            </section>
            <section className="side-pane" aria-label="Observation">
              <h3>
                Observation{' '}
                <span className={`tpill ${action.ok ? 'tpill-ok' : 'tpill-bad'}`}>
                  {action.ok ? 'ok' : 'error'}
                </span>{' '}
                <span className="muted">{formatMs(action.durationMs)}</span>
              </h3>
              {action.error ? <p className="trace-error">{action.error}</p> : null}
              <ClippedText
                id={`obs-out:${step.step}:${i}`}
                text={action.observation}
                limits={PANEL_LIMITS}
                className="payload obs-text"
              />
            </section>
          </div>
          {action.apiCalls.length > 0 ? (
            <table className="api-table">
              <caption>API calls</caption>
              <thead>
                <tr>
                  <th>App</th>
                  <th>API</th>
                  <th>Status</th>
                  <th>Time</th>
                </tr>
              </thead>
              <tbody>
                {action.apiCalls.map((call, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: recorded calls never reorder
                  <tr key={j} className={call.status >= 400 ? 'api-bad' : undefined}>
                    <td>{call.app}</td>
                    <td>
                      <code>{call.api}</code>
                    </td>
                    <td>{call.status}</td>
                    <td>{formatMs(call.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ))}
    </div>
  );
}
