import type { ArmComparison, ExperimentReport } from '@trellis/shared';
import { points, pointsInterval, pValue } from './format.ts';
import { SimulatedLabel } from './SimulatedLabel.tsx';

/** A list of task ids behind its count, opened on demand. */
function TaskList({ ids, sign, label }: { ids: string[]; sign: '+' | '−'; label: string }) {
  if (ids.length === 0) return <span className="muted">0</span>;
  return (
    <details className="task-ids">
      <summary aria-label={`${ids.length} ${label}`}>
        {sign}
        {ids.length}
      </summary>
      <ul>
        {ids.map((id) => (
          <li key={id}>
            <code>{id}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Verdict({ comparison }: { comparison: ArmComparison }) {
  const direction = (comparison.difference ?? 0) >= 0 ? 'better' : 'worse';
  return (
    <span className="verdict">
      <span
        className={`verdict-badge ${comparison.significant ? `is-significant is-${direction}` : 'is-not-significant'}`}
      >
        {comparison.significant ? `significantly ${direction}` : 'not significant'}
      </span>
      <span className="small">{comparison.verdict}</span>
    </span>
  );
}

/**
 * Each arm against the baseline over the tasks both finished: the difference in TGC with its paired bootstrap
 * interval, the tasks gained and lost, and the exact McNemar test on them.
 */
export function ComparisonsTable({ report }: { report: ExperimentReport }) {
  const label = (index: number) => report.arms.find((a) => a.arm === index)?.label ?? `arm ${index}`;
  const baseline = label(report.baselineArm);
  return (
    <section className="card report-section" aria-label="Comparisons">
      <div className="section-head">
        <h2>Against the baseline, {baseline}</h2>
        <SimulatedLabel simulated={report.simulated} />
      </div>
      {report.comparisons.length === 0 ? (
        <p className="muted small">No comparison yet: they need runs finished in both arms.</p>
      ) : (
        <div className="table-scroll">
          <table className="report-table comparisons-table">
            <caption>
              Paired over the tasks both arms finished. Difference in TGC points with its bootstrap interval
              {report.comparisons[0]
                ? ` (${report.comparisons[0].bootstrap.iterations.toLocaleString('en-US')} resamples of tasks)`
                : ''}
              ; gained: passes only in the arm, lost: passes only in the baseline; exact McNemar on those.{' '}
              <SimulatedLabel simulated={report.simulated} />
            </caption>
            <thead>
              <tr>
                <th>Arm</th>
                <th className="num">Paired tasks</th>
                <th className="num">Difference</th>
                <th className="num">Gained</th>
                <th className="num">Lost</th>
                <th className="num">McNemar b / c</th>
                <th className="num">p</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {report.comparisons.map((c) => (
                <tr key={c.arm} className={c.significant ? 'is-significant' : 'is-not-significant'}>
                  <th scope="row">{label(c.arm)}</th>
                  <td className="num">{c.pairedTasks}</td>
                  <td className="num rate">
                    <strong>{points(c.difference)}</strong>{' '}
                    <span className="muted">{pointsInterval(c.bootstrap.low, c.bootstrap.high)}</span>
                  </td>
                  <td className="num">
                    <TaskList ids={c.gained} sign="+" label="tasks gained" />
                  </td>
                  <td className="num">
                    <TaskList ids={c.lost} sign="−" label="tasks lost" />
                  </td>
                  <td className="num">
                    {c.mcnemar.b} / {c.mcnemar.c}
                  </td>
                  <td className="num">{pValue(c.mcnemar.pValue)}</td>
                  <td>
                    <Verdict comparison={c} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
