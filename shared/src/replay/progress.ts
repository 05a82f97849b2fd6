/** Rate and time left of a batch of work, from how much is done and how long it has taken. */
export function progressEstimate(progress: {
  total: number;
  done: number;
  /** Done before the clock started (work resumed after a restart): not counted in the rate. */
  doneBefore?: number;
  elapsedMs: number;
}): { ratePerMinute: number | null; etaMs: number | null } {
  const doneNow = progress.done - (progress.doneBefore ?? 0);
  if (doneNow <= 0 || progress.elapsedMs <= 0) return { ratePerMinute: null, etaMs: null };
  const perMs = doneNow / progress.elapsedMs;
  return {
    ratePerMinute: perMs * 60_000,
    etaMs: Math.max(0, progress.total - progress.done) / perMs,
  };
}

/** "1 m 05 s", "12 s", "2 h 03 m": a duration for a progress line. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} m`;
}
