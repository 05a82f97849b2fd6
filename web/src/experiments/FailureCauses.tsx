import {
  type ExperimentReport,
  FAILURE_CAUSE_LABELS,
  FAILURE_CAUSE_RULES,
  FAILURE_CAUSES,
  type FailureGroup,
} from '@trellis/shared';
import { armColor } from './armColors.ts';
import { Link } from './Link.tsx';
import { runHref } from './links.ts';
import { SimulatedLabel } from './SimulatedLabel.tsx';

function RunLinks({ group, arm }: { group: FailureGroup | undefined; arm: string }) {
  if (!group || group.count === 0) return <span className="muted">–</span>;
  const more = group.count - group.runIds.length;
  return (
    <details className="cause-runs">
      <summary aria-label={`${group.count} runs of ${arm}: ${FAILURE_CAUSE_LABELS[group.cause]}`}>
        {group.count}
      </summary>
      <ul>
        {group.runIds.map((id) => (
          <li key={id}>
            <Link href={runHref(id)}>
              <code>{id}</code>
            </Link>
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="muted small">and {more} more (the first 50 are listed)</p> : null}
    </details>
  );
}

/** Why runs did not succeed, one cause per run, per arm; each count opens its runs. */
export function FailureCauses({ report }: { report: ExperimentReport }) {
  const causes = FAILURE_CAUSES.filter((cause) =>
    report.arms.some((arm) => arm.failures.some((g) => g.cause === cause && g.count > 0)),
  );
  return (
    <section className="card report-section" aria-label="Failure causes">
      <div className="section-head">
        <h2>Why runs failed</h2>
        <SimulatedLabel simulated={report.simulated} />
      </div>
      {causes.length === 0 ? (
        <p className="muted small">No finished run failed.</p>
      ) : (
        <div className="table-scroll">
          <table className="report-table causes-table">
            <thead>
              <tr>
                <th>Cause</th>
                {report.arms.map((arm) => (
                  <th key={arm.arm} className="num">
                    <span className="report-arm-name">
                      <span
                        className="arm-swatch"
                        style={{ background: armColor(arm.arm) }}
                        aria-hidden="true"
                      />
                      {arm.label}
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {causes.map((cause) => (
                <tr key={cause}>
                  <th scope="row">
                    <span className="cause-name">
                      <span>{FAILURE_CAUSE_LABELS[cause]}</span>
                      <span className="muted small">{FAILURE_CAUSE_RULES[cause]}</span>
                    </span>
                  </th>
                  {report.arms.map((arm) => (
                    <td key={arm.arm} className="num">
                      <RunLinks group={arm.failures.find((g) => g.cause === cause)} arm={arm.label} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
