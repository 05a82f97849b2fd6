import type { ExperimentReport, RunStatus } from '@trellis/shared';
import type { AppContext } from '../context.ts';
import { ExperimentRepo, type ItemOutcome } from '../store/experiments.ts';
import { scenarioSizes } from './plan.ts';
import { computeReport, type ReportItem } from './report.ts';
import { ExperimentService } from './service.ts';

export interface ExperimentServices {
  repo: ExperimentRepo;
  experiments: ExperimentService;
  /** The report of an experiment from its items and their runs (no events are read). */
  report(id: string): Promise<ExperimentReport>;
}

const built = new WeakMap<AppContext, ExperimentServices>();

/** An item's run status for the report: an item whose run could not start counts as errored. */
function reportStatus(item: ItemOutcome): RunStatus | null {
  if (item.runStatus) return item.runStatus;
  return item.status === 'done' && item.runId === null ? 'errored' : null;
}

export function toReportItem(item: ItemOutcome): ReportItem {
  return {
    position: item.position,
    arm: item.arm,
    taskId: item.taskId,
    scenario: item.scenario,
    difficulty: item.difficulty,
    repeat: item.repeat,
    runId: item.runId,
    runStatus: item.status === 'running' || item.status === 'pending' ? null : reportStatus(item),
    success: item.success,
    error: item.runError,
    steps: item.steps,
    totals: item.totals,
    models: item.models,
  };
}

/**
 * The experiment services for a context, built once: the routes, start-up (resuming experiments) and the CLI
 * share them, so an experiment followed over HTTP is the one being worked on.
 */
export function experimentServices(
  ctx: AppContext,
  options: { sampleIntervalMs?: number } = {},
): ExperimentServices {
  let services = built.get(ctx);
  if (!services) {
    const repo = new ExperimentRepo(ctx.db);
    const experiments = new ExperimentService({
      ...ctx,
      experiments: repo,
      ...(options.sampleIntervalMs !== undefined ? { sampleIntervalMs: options.sampleIntervalMs } : {}),
    });
    const sizes = scenarioSizes();
    services = {
      repo,
      experiments,
      async report(id) {
        const summary = await experiments.found(id);
        return computeReport({
          experiment: summary,
          items: (await repo.outcomes(id)).map(toReportItem),
          scenarioSizes: sizes,
        });
      },
    };
    built.set(ctx, services);
  }
  return services;
}
