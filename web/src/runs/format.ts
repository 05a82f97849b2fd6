/** Durations as people read them: 850 ms, 1.25 s, 14.2 s, 3 m 05 s. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  if (seconds === 60) return `${minutes + 1} m 00 s`;
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/** Token counts, compact past ten thousand: 950, 9,874, 12.3k, 1.20M. */
export function formatTokens(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n < 10_000) return Math.round(n).toLocaleString('en-US');
  if (n < 1_000_000) return `${(n / 1_000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** Sizes of text, in characters. */
export function formatChars(n: number): string {
  if (n < 1_000) return `${n} chars`;
  if (n < 1_000_000) return `${(n / 1_000).toFixed(1)}k chars`;
  return `${(n / 1_000_000).toFixed(2)}M chars`;
}

const WHEN = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A wall-clock time from an ISO string or epoch milliseconds, in the viewer's locale. */
export function formatWhen(value: string | number | null): string {
  if (value === null) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '–' : WHEN.format(date);
}
