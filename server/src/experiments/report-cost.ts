import {
  type ArmCost,
  FAILURE_CAUSES,
  type FailureCause,
  type FailureGroup,
  failureCause,
  isSimulatedModel,
  type RoleTotals,
} from '@trellis/shared';
import { isFinishedRun, type ReportItem } from './report-matrix.ts';

/** Roles listed first, in this order; any other role follows alphabetically. */
const ROLE_ORDER = ['summarizer', 'agent', 'corrector'];

/** At most this many run ids are listed per failure cause. */
export const FAILURE_RUN_IDS = 50;

function compareRoles(a: string, b: string): number {
  const rankA = ROLE_ORDER.indexOf(a);
  const rankB = ROLE_ORDER.indexOf(b);
  if (rankA !== -1 || rankB !== -1) {
    return (rankA === -1 ? ROLE_ORDER.length : rankA) - (rankB === -1 ? ROLE_ORDER.length : rankB);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/**
 * Means per finished run that has totals: tokens, model calls, wall time (the run's `durationMs`) and steps.
 * Per role, the mean per run of its calls, tokens and model time (a run where the role never ran counts as 0),
 * and its share of the arm's tokens and of its model time, summed over roles (0 when the sum is 0).
 */
export function armCost(items: readonly ReportItem[]): ArmCost {
  const totalsList = items.flatMap((item) =>
    isFinishedRun(item.runStatus) && item.totals ? [item.totals] : [],
  );
  const runs = totalsList.length;
  const sums = { promptTokens: 0, completionTokens: 0, llmCalls: 0, wallMs: 0, steps: 0 };
  const roles = new Map<string, RoleTotals>();
  for (const totals of totalsList) {
    sums.promptTokens += totals.promptTokens;
    sums.completionTokens += totals.completionTokens;
    sums.llmCalls += totals.llmCalls;
    sums.wallMs += totals.durationMs;
    sums.steps += totals.steps;
    for (const [role, own] of Object.entries(totals.byRole)) {
      const sum = roles.get(role) ?? { calls: 0, promptTokens: 0, completionTokens: 0, durationMs: 0 };
      sum.calls += own.calls;
      sum.promptTokens += own.promptTokens;
      sum.completionTokens += own.completionTokens;
      sum.durationMs += own.durationMs;
      roles.set(role, sum);
    }
  }
  let allTokens = 0;
  let allTime = 0;
  for (const sum of roles.values()) {
    allTokens += sum.promptTokens + sum.completionTokens;
    allTime += sum.durationMs;
  }
  const mean = (sum: number) => (runs === 0 ? 0 : sum / runs);
  const byRole = [...roles.keys()].sort(compareRoles).map((role) => {
    const sum = roles.get(role)!;
    return {
      role,
      calls: mean(sum.calls),
      promptTokens: mean(sum.promptTokens),
      completionTokens: mean(sum.completionTokens),
      durationMs: mean(sum.durationMs),
      tokenShare: share(sum.promptTokens + sum.completionTokens, allTokens),
      timeShare: share(sum.durationMs, allTime),
    };
  });
  return {
    runs,
    promptTokens: mean(sums.promptTokens),
    completionTokens: mean(sums.completionTokens),
    llmCalls: mean(sums.llmCalls),
    wallMs: mean(sums.wallMs),
    steps: mean(sums.steps),
    byRole,
  };
}

/**
 * The runs that did not succeed, grouped by `failureCause`, one group per cause present in the order of
 * FAILURE_CAUSES; cancelled and interrupted runs fall under `not_finished`. Items in plan order.
 */
export function failureGroups(items: readonly ReportItem[]): FailureGroup[] {
  const groups = new Map<FailureCause, FailureGroup>();
  for (const item of items) {
    if (item.runStatus === null) continue;
    const cause = failureCause({
      status: item.runStatus,
      error: item.error,
      steps: item.steps,
      noCodeSteps: item.totals?.noCodeSteps,
      apiErrorSteps: item.totals?.apiErrorSteps,
    });
    if (cause === null) continue;
    const group = groups.get(cause) ?? { cause, count: 0, runIds: [] };
    group.count += 1;
    if (item.runId !== null && group.runIds.length < FAILURE_RUN_IDS) group.runIds.push(item.runId);
    groups.set(cause, group);
  }
  return FAILURE_CAUSES.flatMap((cause) => groups.get(cause) ?? []);
}

/** The models an arm's runs called, in the order first seen, and whether any is the simulated model. */
export function armModels(items: readonly ReportItem[]): { models: string[]; simulated: boolean } {
  const models = new Set<string>();
  for (const item of items) for (const model of item.models) models.add(model);
  const list = [...models];
  return { models: list, simulated: list.some((model) => isSimulatedModel(model)) };
}
