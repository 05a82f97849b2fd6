import { formatMs, formatTokens } from './format.ts';
import type { RunView } from './runView.ts';
import { RoleTag } from './StatusBadge.tsx';
import { roleRows } from './timeline.ts';

/** Calls, tokens and time per role: the run's own totals once finished, added up live before that. */
export function RoleTotalsTable({ view }: { view: RunView }) {
  const rows = roleRows(view);
  return (
    <section className="card role-totals" aria-label="Totals per role">
      <h3>Per role {view.finished ? '' : <span className="muted">(live)</span>}</h3>
      {rows.length === 0 ? (
        <p className="muted small">No calls yet.</p>
      ) : (
        <table className="totals-table">
          <thead>
            <tr>
              <th>Role</th>
              <th className="num">Calls</th>
              <th className="num">Tokens in</th>
              <th className="num">Tokens out</th>
              <th className="num">Time</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.role} data-role={row.role}>
                <td>
                  <RoleTag kind={row.role} />
                </td>
                <td className="num">
                  {row.calls}
                  {row.streaming > 0 ? <span className="muted"> +{row.streaming} streaming</span> : null}
                </td>
                <td className="num">{row.role === 'executor' ? '–' : formatTokens(row.promptTokens)}</td>
                <td className="num">{row.role === 'executor' ? '–' : formatTokens(row.completionTokens)}</td>
                <td className="num">{formatMs(row.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
