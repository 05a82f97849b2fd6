/**
 * PostgreSQL notification channels. Writes notify inside their own transaction, so a listener hears of a change
 * only once it is committed and readable; a team's web server follows workers' runs through them.
 */
/** After each committed batch of a run's events: `<runId>:<last seq>`. */
export const EVENTS_CHANNEL = 'trellis_events';
/** When a run's record says it has ended: `<runId>:<status>`. */
export const RUNS_CHANNEL = 'trellis_runs';
/** A web server asks whoever runs the run to cancel it: `<runId>`. */
export const CANCEL_CHANNEL = 'trellis_cancel';
