import type { ArmReport, ExperimentReport, ReportRowKey } from '@trellis/shared';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { armColor } from './armColors.ts';
import { count, percent, rateWithInterval, rowLabel } from './format.ts';
import { SimulatedLabel } from './SimulatedLabel.tsx';

const ROWS: readonly ReportRowKey[] = ['aggregate', 'difficulty_1', 'difficulty_2', 'difficulty_3'];

const METHOD: Record<ExperimentReport['intervals']['method'], string> = {
  wilson: 'Wilson score interval',
  task_bootstrap: 'bootstrap over tasks',
};

function ArmCell({
  arm,
  baseline,
  rows,
  running,
}: {
  arm: ArmReport;
  baseline: boolean;
  rows: number;
  running: boolean;
}) {
  return (
    <th scope="rowgroup" rowSpan={rows} className="report-arm">
      <span className="report-arm-name">
        <span className="arm-swatch" style={{ background: armColor(arm.arm) }} aria-hidden="true" />
        {arm.label}
        {baseline ? <span className="tpill">baseline</span> : null}
      </span>
      <span className="muted small">{arm.models.join(', ') || 'no model called yet'}</span>
      {arm.simulated ? <TestDoubleTag kind="simulated" short /> : null}
      {arm.pending > 0 ? (
        <span className="muted small">
          {arm.finished} finished, {arm.pending} {running ? 'to go' : 'not run'}
        </span>
      ) : null}
    </th>
  );
}

/** pass@k (some of k repeats pass) and pass^k (all k pass), per arm, for every k. */
function PassAtK({ report }: { report: ExperimentReport }) {
  const ks = Array.from({ length: report.repeats }, (_, i) => i + 1);
  const value = (list: ArmReport['passAtK'], k: number) => {
    const entry = list.find((e) => e.k === k);
    return entry ? percent(entry.value) : '–';
  };
  return (
    <div className="table-scroll pass-block">
      <p className="small muted">
        Repeats, over the tasks with every repeat finished: <strong>pass@k</strong>, some of k repeats pass;{' '}
        <strong>pass^k</strong>, all k pass (percent). <SimulatedLabel simulated={report.simulated} />
      </p>
      <table className="report-table pass-table">
        <caption className="visually-hidden">
          pass@k and pass^k per arm{report.simulated ? ', simulated model — not a real model’s result' : ''}
        </caption>
        <thead>
          <tr>
            <th>Arm</th>
            <th />
            {ks.map((k) => (
              <th key={k} className="num">
                k = {k}
              </th>
            ))}
          </tr>
        </thead>
        {report.arms.map((arm) => (
          <tbody key={arm.arm}>
            <tr>
              <th scope="rowgroup" rowSpan={2} className="report-arm">
                <span className="report-arm-name">
                  <span className="arm-swatch" style={{ background: armColor(arm.arm) }} aria-hidden="true" />
                  {arm.label}
                </span>
              </th>
              <th scope="row">pass@k</th>
              {ks.map((k) => (
                <td key={k} className="num">
                  {value(arm.passAtK, k)}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">pass^k</th>
              {ks.map((k) => (
                <td key={k} className="num">
                  {value(arm.passHatK, k)}
                </td>
              ))}
            </tr>
          </tbody>
        ))}
      </table>
    </div>
  );
}

/**
 * The paper's table: per arm, aggregate and difficulty 1–3, task and scenario goal completion in percent with the
 * interval, and what they were counted over.
 */
export function ReportTable({ report }: { report: ExperimentReport }) {
  const level = Math.round(report.intervals.level * 100);
  const incomplete = report.incompleteScenarios;
  return (
    <section className="card report-section" aria-label="Goal completion">
      <div className="section-head">
        <h2>Goal completion</h2>
      </div>
      {incomplete.length > 0 ? (
        <p className="report-warning small" role="note">
          <strong>SGC counts only the tasks present</strong> for {count(incomplete.length, 'scenario')} only
          partly in this task set:{' '}
          {incomplete
            .slice(0, 6)
            .map((s) => `${s.scenario} (${s.present} of ${s.total})`)
            .join(', ')}
          {incomplete.length > 6 ? `, and ${incomplete.length - 6} more` : ''}.
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="report-table goal-table" data-testid="report-table">
          <caption>
            TGC (task goal completion) and SGC (scenario goal completion), percent with {level}% interval (
            {METHOD[report.intervals.method]}); counts over finished runs
            {report.repeats > 1 ? `, each task × ${report.repeats} repeats` : ''}.{' '}
            <SimulatedLabel simulated={report.simulated} />
          </caption>
          <thead>
            <tr>
              <th>Arm</th>
              <th>Subset</th>
              <th className="num">TGC</th>
              <th className="num">SGC</th>
              <th className="num">Tasks</th>
              <th className="num">Scenarios</th>
            </tr>
          </thead>
          {report.arms.map((arm) => (
            <tbody key={arm.arm}>
              {ROWS.map((key, i) => {
                const row = arm.rows.find((r) => r.key === key);
                return (
                  <tr
                    key={key}
                    className={key === 'aggregate' ? 'is-aggregate' : row?.tasks ? '' : 'is-empty'}
                  >
                    {i === 0 ? (
                      <ArmCell
                        arm={arm}
                        baseline={arm.arm === report.baselineArm}
                        rows={ROWS.length}
                        running={report.status === 'running'}
                      />
                    ) : null}
                    <th scope="row">{rowLabel(key)}</th>
                    <td className="num rate" title={row ? `${row.tgc.successes} of ${row.tgc.n}` : undefined}>
                      {row ? rateWithInterval(row.tgc) : '–'}
                    </td>
                    <td className="num rate" title={row ? `${row.sgc.successes} of ${row.sgc.n}` : undefined}>
                      {row ? rateWithInterval(row.sgc) : '–'}
                    </td>
                    <td className="num">{row?.tasks ?? 0}</td>
                    <td className="num">{row?.scenarios ?? 0}</td>
                  </tr>
                );
              })}
            </tbody>
          ))}
        </table>
      </div>
      {report.repeats > 1 ? <PassAtK report={report} /> : null}
    </section>
  );
}
