import { useVirtualizer } from '@tanstack/react-virtual';
import type { ExperimentItem, ExperimentReport } from '@trellis/shared';
import { type CSSProperties, useMemo, useRef, useState } from 'react';
import { armColor } from './armColors.ts';
import { count } from './format.ts';
import { Link } from './Link.tsx';
import { runHref } from './links.ts';
import {
  armsDiffer,
  CELL_OUTCOME_LABEL,
  CELL_OUTCOMES,
  type CellOutcome,
  cellKey,
  cellRunId,
  cellText,
  cellTitle,
  classifyCell,
  liveCells,
} from './matrix.ts';
import { SimulatedLabel } from './SimulatedLabel.tsx';

const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 34;

interface MatrixRow {
  task: ExperimentReport['tasks'][number];
  taskIndex: number;
  outcomes: CellOutcome[];
}

/** The rows, each task's outcomes per arm worked out once per report (and per change of the running items). */
function useRows(report: ExperimentReport, items: readonly ExperimentItem[] | undefined): MatrixRow[] {
  const live = useMemo(() => liveCells(items), [items]);
  return useMemo(
    () =>
      report.tasks.map((task, taskIndex) => ({
        task,
        taskIndex,
        outcomes: report.arms.map((arm, a) =>
          classifyCell(report.cells[a]?.[taskIndex], live.has(cellKey(arm.arm, task.taskId))),
        ),
      })),
    [report, live],
  );
}

function Cell({
  report,
  armPosition,
  row,
  armLabel,
}: {
  report: ExperimentReport;
  armPosition: number;
  row: MatrixRow;
  armLabel: string;
}) {
  const cell = report.cells[armPosition]?.[row.taskIndex];
  const outcome = row.outcomes[armPosition]!;
  const runId = cellRunId(cell);
  const title = cellTitle(cell, outcome, report.repeats);
  const className = `matrix-cell outcome-${outcome}`;
  const text = cellText(cell, outcome, report.repeats);
  const label = `${row.task.taskId}, ${armLabel}: ${title}`;
  if (!runId)
    return (
      <span className={className} title={title} role="img" aria-label={label}>
        {text}
      </span>
    );
  return (
    <Link href={runHref(runId)} className={className} title={title}>
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">{label}</span>
    </Link>
  );
}

/**
 * Every task against every arm, each cell one colour for its repeats (all passed, some, none, errored, not run)
 * and "2/3" when repeated; a cell opens its run, the first failing repeat's when there is one. Rows are
 * virtualised, so a thousand tasks render only the ones in view.
 */
export function TaskMatrix({
  report,
  items,
}: {
  report: ExperimentReport;
  items: readonly ExperimentItem[] | undefined;
}) {
  const all = useRows(report, items);
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const rows = useMemo(
    () => (onlyDiffering ? all.filter((r) => armsDiffer(r.outcomes)) : all),
    [all, onlyDiffering],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    initialRect: { width: 0, height: 520 },
  });
  const totalSize = virtualizer.getTotalSize();
  // The box is as tall as its rows, up to a scrolling maximum (the stylesheet's); it never sizes from its content.
  const box = {
    '--matrix-arms': report.arms.length,
    '--matrix-height': `${Math.max(totalSize, 44)}px`,
  } as CSSProperties;
  const tally = useMemo(() => {
    const counts = new Map<CellOutcome, number>();
    for (const row of all) for (const o of row.outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
    return counts;
  }, [all]);
  return (
    <section className="card report-section" aria-label="Tasks by arm">
      <div className="section-head">
        <h2>Tasks × arms</h2>
        <SimulatedLabel simulated={report.simulated} />
        <label className="check push-end">
          <input
            type="checkbox"
            checked={onlyDiffering}
            onChange={(e) => setOnlyDiffering(e.target.checked)}
          />
          only tasks where arms differ
        </label>
      </div>
      <ul className="matrix-legend small" aria-label="Legend">
        {CELL_OUTCOMES.filter((o) => o !== 'running' || tally.has('running')).map((o) => (
          <li key={o}>
            <span className={`matrix-swatch outcome-${o}`} aria-hidden="true" />
            {CELL_OUTCOME_LABEL[o]} <span className="muted">({tally.get(o) ?? 0})</span>
          </li>
        ))}
        <li className="muted">
          {rows.length === all.length
            ? count(all.length, 'task')
            : `${rows.length} of ${count(all.length, 'task')}`}
        </li>
      </ul>
      <div className="matrix-scroll" ref={scrollRef} style={box} data-testid="task-matrix">
        <div className="matrix-row matrix-header" style={{ height: HEADER_HEIGHT }}>
          <span>Task</span>
          <span className="num" title="Difficulty">
            Diff.
          </span>
          {report.arms.map((arm) => (
            <span key={arm.arm} className="matrix-arm" title={arm.label}>
              <span className="arm-swatch" style={{ background: armColor(arm.arm) }} aria-hidden="true" />
              <span className="matrix-arm-label">{arm.label}</span>
            </span>
          ))}
        </div>
        <div className="matrix-body" style={{ height: totalSize }}>
          {virtualizer.getVirtualItems().map((virtual) => {
            const row = rows[virtual.index]!;
            return (
              <div
                key={row.task.taskId}
                className="matrix-row"
                style={{ height: ROW_HEIGHT, transform: `translateY(${virtual.start - HEADER_HEIGHT}px)` }}
              >
                <code className="matrix-task" title={row.task.taskId}>
                  {row.task.taskId}
                </code>
                <span className="num muted">{row.task.difficulty ?? '–'}</span>
                {report.arms.map((arm, a) => (
                  <Cell key={arm.arm} report={report} armPosition={a} row={row} armLabel={arm.label} />
                ))}
              </div>
            );
          })}
        </div>
        {rows.length === 0 ? (
          <p className="muted small matrix-empty">
            {all.length === 0 ? 'No task has a run yet.' : 'The arms agree on every finished task.'}
          </p>
        ) : null}
      </div>
    </section>
  );
}
