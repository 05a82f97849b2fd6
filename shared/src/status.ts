/**
 * Run statuses as plain values, apart from their zod schema in trace.ts: pages that only compare statuses (the
 * run page opening a big trace) then load no schema code at all.
 */
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'errored',
  'cancelled',
  'interrupted',
] as const;

/** Statuses a run ends in: nothing more will be recorded for it. */
export const FINISHED_STATUSES: readonly (typeof RUN_STATUSES)[number][] = [
  'succeeded',
  'failed',
  'errored',
  'cancelled',
  'interrupted',
];

export function isRunStatus(value: unknown): value is (typeof RUN_STATUSES)[number] {
  return (RUN_STATUSES as readonly unknown[]).includes(value);
}
