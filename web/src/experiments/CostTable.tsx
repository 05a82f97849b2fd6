import type { ExperimentReport } from '@trellis/shared';
import { kindStyle } from '../kindStyle.ts';
import { formatMs, formatTokens } from '../runs/format.ts';
import { armColor } from './armColors.ts';
import { share } from './format.ts';
import { type RoleSlice, roleSlices, rolesOf } from './roleSplit.ts';
import { SimulatedLabel } from './SimulatedLabel.tsx';

function RoleBar({ slices, what, arm }: { slices: RoleSlice[]; what: string; arm: string }) {
  if (slices.length === 0) return <span className="muted">–</span>;
  const text = slices.map((s) => `${s.role} ${share(s.share)}`).join(', ');
  return (
    <span className="role-bar" role="img" aria-label={`${arm}, ${what} by role: ${text}`} title={text}>
      {slices.map((s) => (
        <span key={s.role} style={{ ...kindStyle(s.role), width: `${s.share * 100}%` }} />
      ))}
    </span>
  );
}

/** What each arm spends per task: tokens in and out, model calls, steps, wall time, and how roles split it. */
export function CostTable({ report }: { report: ExperimentReport }) {
  const roles = rolesOf(report.arms);
  return (
    <section className="card report-section" aria-label="Cost">
      <div className="section-head">
        <h2>Cost per task</h2>
        <SimulatedLabel simulated={report.simulated} />
      </div>
      <div className="table-scroll">
        <table className="report-table cost-table">
          <caption>
            Means over each arm's finished runs; the bars split tokens and model time by role.
          </caption>
          <thead>
            <tr>
              <th>Arm</th>
              <th className="num">Runs</th>
              <th className="num">Tokens in</th>
              <th className="num">Tokens out</th>
              <th className="num">LLM calls</th>
              <th className="num">Steps</th>
              <th className="num">Wall time</th>
              <th>Tokens by role</th>
              <th>Time by role</th>
            </tr>
          </thead>
          <tbody>
            {report.arms.map((arm) => (
              <tr key={arm.arm}>
                <th scope="row">
                  <span className="report-arm-name">
                    <span
                      className="arm-swatch"
                      style={{ background: armColor(arm.arm) }}
                      aria-hidden="true"
                    />
                    {arm.label}
                  </span>
                </th>
                <td className="num">{arm.cost.runs}</td>
                <td className="num">{formatTokens(arm.cost.promptTokens)}</td>
                <td className="num">{formatTokens(arm.cost.completionTokens)}</td>
                <td className="num">{arm.cost.llmCalls.toFixed(1)}</td>
                <td className="num">{arm.cost.steps.toFixed(1)}</td>
                <td className="num">{formatMs(arm.cost.wallMs)}</td>
                <td className="bar-cell">
                  <RoleBar slices={roleSlices(arm.cost.byRole, 'tokenShare')} what="tokens" arm={arm.label} />
                </td>
                <td className="bar-cell">
                  <RoleBar
                    slices={roleSlices(arm.cost.byRole, 'timeShare')}
                    what="model time"
                    arm={arm.label}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {roles.length > 0 ? (
        <ul className="timeline-legend role-legend" aria-label="Roles">
          {roles.map((role) => (
            <li key={role} style={kindStyle(role)}>
              <span className="timeline-swatch" aria-hidden="true" />
              {role}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
