import {
  type ExperimentReport,
  type ExperimentSummary,
  FAILURE_CAUSE_LABELS,
  failureCause,
  type RateWithInterval,
} from '@trellis/shared';
import type { ItemOutcome } from '../store/experiments.ts';
import { formatPValue } from './report-comparison.ts';

/** The line every export of an experiment that used the simulated model carries. */
export const SIMULATED_NOTICE = "simulated model — not a real model's result";

const CSV_COLUMNS = [
  'experiment_id',
  'arm',
  'arm_label',
  'graph_version_id',
  'task_id',
  'scenario',
  'difficulty',
  'repeat',
  'seed',
  'run_id',
  'status',
  'success',
  'failure_cause',
  'steps',
  'llm_calls',
  'prompt_tokens',
  'completion_tokens',
  'wall_ms',
  'models',
  'simulated',
  'attempts',
  'error',
] as const;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function runStatusOf(item: ItemOutcome): string | null {
  if (item.status === 'pending' || item.status === 'running') return null;
  if (item.runStatus) return item.runStatus;
  return item.status === 'done' && item.runId === null ? 'errored' : null;
}

/** One row per planned item (arm × task × repeat) with its run's outcome, in plan order. */
export function toCsv(summary: ExperimentSummary, items: readonly ItemOutcome[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const item of items) {
    const arm = summary.arms[item.arm]!;
    const status = runStatusOf(item);
    const simulated = summary.simulated;
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      experiment_id: summary.id,
      arm: item.arm,
      arm_label: arm.label,
      graph_version_id: arm.graphVersionId,
      task_id: item.taskId,
      scenario: item.scenario,
      difficulty: item.difficulty,
      repeat: item.repeat,
      seed: item.seed,
      run_id: item.runId,
      status: status ?? item.status,
      success: status === null ? null : status === 'succeeded',
      failure_cause:
        status === null
          ? null
          : failureCause({
              status,
              error: item.runError,
              steps: item.steps,
              noCodeSteps: item.totals?.noCodeSteps,
              apiErrorSteps: item.totals?.apiErrorSteps,
            }),
      steps: item.totals ? item.steps : null,
      llm_calls: item.totals?.llmCalls,
      prompt_tokens: item.totals?.promptTokens,
      completion_tokens: item.totals?.completionTokens,
      wall_ms: item.totals ? Math.round(item.totals.durationMs) : null,
      models: item.models.join(' '),
      simulated,
      attempts: item.attempts,
      error: item.runError,
    };
    lines.push(CSV_COLUMNS.map((column) => csvField(row[column])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The experiment, every item's outcome and the report, as one document. */
export function toJson(
  summary: ExperimentSummary,
  items: readonly ItemOutcome[],
  report: ExperimentReport,
): Record<string, unknown> {
  return {
    ...(summary.simulated ? { notice: SIMULATED_NOTICE } : {}),
    simulated: summary.simulated,
    experiment: summary,
    runs: items.map((item) => ({
      arm: item.arm,
      taskId: item.taskId,
      scenario: item.scenario,
      difficulty: item.difficulty,
      repeat: item.repeat,
      seed: item.seed,
      runId: item.runId,
      status: runStatusOf(item) ?? item.status,
      success: item.success,
      steps: item.steps,
      totals: item.totals,
      models: item.models,
      attempts: item.attempts,
      previousRunIds: item.previousRunIds,
      error: item.runError,
    })),
    report,
  };
}

const pct = (rate: number | null) => (rate === null ? '—' : (rate * 100).toFixed(1));

function withInterval(r: RateWithInterval): string {
  if (r.rate === null) return '—';
  return r.low === null || r.high === null ? pct(r.rate) : `${pct(r.rate)} [${pct(r.low)}, ${pct(r.high)}]`;
}

/**
 * The report as Markdown in the paper's layout: one row per scaffold with TGC and SGC (percent, one decimal,
 * 95 % interval), then the same by difficulty as `appworld evaluate` splits it, then each arm against the baseline.
 */
export function toMarkdown(summary: ExperimentSummary, report: ExperimentReport): string {
  const out: string[] = [];
  out.push(`# ${report.name}`, '');
  if (report.simulated)
    out.push(`> **${SIMULATED_NOTICE}.** Every figure below comes from the simulated model.`, '');
  const taskCount = report.tasks.length;
  out.push(
    `${taskCount} task${taskCount === 1 ? '' : 's'}, ${report.repeats} repeat${report.repeats === 1 ? '' : 's'} (seeds ${summary.seeds.join(', ')}), status ${report.status}. ` +
      `Intervals: 95 %, ${report.intervals.method === 'wilson' ? 'Wilson' : 'bootstrap over tasks'}.`,
    '',
  );
  if (report.incompleteScenarios.length > 0) {
    out.push(
      `> SGC is misleading here: ${report.incompleteScenarios.length} scenario(s) are only partly in the task set (${report.incompleteScenarios
        .slice(0, 5)
        .map((s) => `${s.scenario} ${s.present}/${s.total}`)
        .join(', ')}${report.incompleteScenarios.length > 5 ? ', …' : ''}).`,
      '',
    );
  }
  const row = (arm: (typeof report.arms)[number], key: string) => arm.rows.find((r) => r.key === key)!;
  out.push('| Scaffold | TGC | SGC | Runs |', '| --- | --: | --: | --: |');
  for (const arm of report.arms) {
    const aggregate = row(arm, 'aggregate');
    out.push(
      `| ${arm.label}${arm.arm === report.baselineArm ? ' (baseline)' : ''} | ${withInterval(aggregate.tgc)} | ${withInterval(aggregate.sgc)} | ${arm.finished}${arm.pending > 0 ? ` (+${arm.pending} ${report.status === 'running' ? 'pending' : 'not run'})` : ''} |`,
    );
  }
  out.push(
    '',
    '| Scaffold | TGC d1 | TGC d2 | TGC d3 | SGC d1 | SGC d2 | SGC d3 |',
    '| --- | --: | --: | --: | --: | --: | --: |',
  );
  for (const arm of report.arms) {
    const cells = [1, 2, 3].map((d) => pct(row(arm, `difficulty_${d}`).tgc.rate));
    const sgc = [1, 2, 3].map((d) => pct(row(arm, `difficulty_${d}`).sgc.rate));
    out.push(`| ${arm.label} | ${[...cells, ...sgc].join(' | ')} |`);
  }
  if (report.repeats > 1) {
    out.push(
      '',
      `| Scaffold | ${report.arms[0]!.passAtK.map((p) => `pass@${p.k}`).join(' | ')} | ${report.arms[0]!.passHatK.map((p) => `pass^${p.k}`).join(' | ')} |`,
    );
    out.push(
      `| --- | ${[...report.arms[0]!.passAtK, ...report.arms[0]!.passHatK].map(() => '--:').join(' | ')} |`,
    );
    for (const arm of report.arms) {
      out.push(
        `| ${arm.label} | ${[...arm.passAtK, ...arm.passHatK].map((p) => pct(p.value)).join(' | ')} |`,
      );
    }
  }
  if (report.comparisons.length > 0) {
    const baseline = report.arms[report.baselineArm]!;
    out.push(
      '',
      `Against ${baseline.label}:`,
      '',
      '| Scaffold | Δ TGC (points) | 95 % bootstrap | Gained | Lost | McNemar p | Verdict |',
      '| --- | --: | --: | --: | --: | --: | --- |',
    );
    for (const c of report.comparisons) {
      const arm = report.arms[c.arm]!;
      const diff =
        c.difference === null ? '—' : `${c.difference >= 0 ? '+' : ''}${(c.difference * 100).toFixed(1)}`;
      const interval =
        c.bootstrap.low === null || c.bootstrap.high === null
          ? '—'
          : `[${(c.bootstrap.low * 100).toFixed(1)}, ${(c.bootstrap.high * 100).toFixed(1)}]`;
      const p = c.mcnemar.pValue === null ? '—' : formatPValue(c.mcnemar.pValue).replace(/^p = /, '');
      out.push(
        `| ${arm.label} | ${diff} | ${interval} | ${c.gained.length} | ${c.lost.length} | ${p} | ${c.verdict} |`,
      );
    }
  }
  out.push(
    '',
    '| Scaffold | Tokens in / run | Tokens out / run | LLM calls / run | Wall time / run | Failures |',
    '| --- | --: | --: | --: | --: | --- |',
  );
  for (const arm of report.arms) {
    const failures = arm.failures.map((f) => `${FAILURE_CAUSE_LABELS[f.cause]} ${f.count}`).join(', ') || '—';
    out.push(
      `| ${arm.label} | ${Math.round(arm.cost.promptTokens).toLocaleString('en-US')} | ${Math.round(arm.cost.completionTokens).toLocaleString('en-US')} | ${arm.cost.llmCalls.toFixed(1)} | ${(arm.cost.wallMs / 1000).toFixed(1)} s | ${failures} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
