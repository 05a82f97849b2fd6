/*
 * Kept free of schemas: the report page and the CLI both group failed runs with these rules.
 */

/** Why a run of an experiment did not succeed, one cause per run. */
export const FAILURE_CAUSES = [
  'step_limit',
  'no_code',
  'api_errors',
  'wrong_answer',
  'token_budget',
  'errored',
  'not_finished',
] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

export const FAILURE_CAUSE_LABELS: Record<FailureCause, string> = {
  step_limit: 'step limit',
  no_code: 'no code',
  api_errors: 'API errors',
  wrong_answer: 'wrong answer',
  token_budget: 'token budget',
  errored: 'errored',
  not_finished: 'cancelled or interrupted',
};

/** How each cause is decided, for a legend beside the counts. */
export const FAILURE_CAUSE_RULES: Record<FailureCause, string> = {
  step_limit: 'ran out of steps, mostly running code that did something',
  no_code: 'ran out of steps, with at least half of its steps replying without code',
  api_errors: 'ran out of steps, with at least half of its steps ending in an API error',
  wrong_answer: 'completed the task, but the state checks failed',
  token_budget: "stopped when the graph's token budget was spent",
  errored: 'ended in an error (a model call that failed, a broken graph, a fault)',
  not_finished: 'cancelled, or stopped by a server restart, and not re-run',
};

/** What the rules read of a run: its status, its closing error and its action counts. */
export interface CauseInput {
  status: string;
  error: string | null;
  steps: number;
  /** Steps whose reply had no code; absent on runs recorded before these were counted. */
  noCodeSteps?: number | undefined;
  /** Steps whose action ended in an API error (an HTTP status of 400 or more from the world). */
  apiErrorSteps?: number | undefined;
}

/** The one cause a run failed for; null for a run that succeeded or has not ended. */
export function failureCause(run: CauseInput): FailureCause | null {
  switch (run.status) {
    case 'succeeded':
    case 'queued':
    case 'running':
      return null;
    case 'errored':
      return 'errored';
    case 'cancelled':
    case 'interrupted':
      return 'not_finished';
  }
  const error = run.error ?? '';
  if (error.startsWith('token budget')) return 'token_budget';
  if (!error.startsWith('reached the step limit')) return 'wrong_answer';
  const steps = Math.max(1, run.steps);
  if ((run.noCodeSteps ?? 0) * 2 >= steps) return 'no_code';
  if ((run.apiErrorSteps ?? 0) * 2 >= steps) return 'api_errors';
  return 'step_limit';
}
