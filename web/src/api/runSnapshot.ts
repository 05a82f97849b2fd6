import type { RunEvent } from '@trellis/shared';

declare global {
  interface Window {
    /** Set by index.html when the page opens on /runs/<id>: the snapshot request, already under way. */
    __trellisRunSnapshot?: { runId: string; response: Promise<Response> };
  }
}

function snapshotUrl(runId: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/events?compact=1`;
}

async function readSnapshot(response: Promise<Response>): Promise<RunEvent[]> {
  const result = await response;
  if (!result.ok) throw new Error(`the run's events could not be loaded (HTTP ${result.status})`);
  return (await result.json()) as RunEvent[];
}

/** The request index.html started for this run, if it has not been taken yet. */
function takeEarlyRequest(runId: string): Promise<RunEvent[]> | null {
  const early = window.__trellisRunSnapshot;
  if (!early || early.runId !== runId) return null;
  window.__trellisRunSnapshot = undefined;
  return readSnapshot(early.response);
}

function requestSnapshot(runId: string): Promise<RunEvent[]> {
  return readSnapshot(fetch(snapshotUrl(runId), { headers: { accept: 'application/json' } }));
}

/** A snapshot read ahead of the page that shows it: still arriving, or parsed and waiting to be taken. */
let ahead: { runId: string; events: Promise<RunEvent[]>; parsed: RunEvent[] | null } | null = null;

/**
 * Reads a run's snapshot ahead of its page, so the page's first render can fold it and show the trace at once
 * instead of rendering empty and again when the events arrive. Resolves once the events are parsed, or after
 * `waitMs` (a slow snapshot should not hold the page back: it then renders its loading state); never rejects.
 */
export function preloadRunSnapshot(runId: string, waitMs: number): Promise<void> {
  const events = takeEarlyRequest(runId) ?? requestSnapshot(runId);
  const entry: NonNullable<typeof ahead> = { runId, events, parsed: null };
  ahead = entry;
  const settled = events.then(
    (list) => {
      entry.parsed = list;
    },
    () => undefined,
  );
  return Promise.race([settled, new Promise<void>((resolve) => setTimeout(resolve, waitMs))]);
}

/** The run's snapshot if it was read ahead and has arrived; taken once. */
export function takePreloadedSnapshot(runId: string): RunEvent[] | null {
  if (ahead?.runId !== runId || ahead.parsed === null) return null;
  const { parsed } = ahead;
  ahead = null;
  return parsed;
}

/**
 * The run's recorded events so far (deltas of finished calls left out: their responses carry the text). Takes a
 * snapshot already read ahead or requested by index.html for this run, else asks the server.
 */
export function loadRunSnapshot(runId: string): Promise<RunEvent[]> {
  if (ahead?.runId === runId) {
    const { events } = ahead;
    ahead = null;
    return events;
  }
  return takeEarlyRequest(runId) ?? requestSnapshot(runId);
}
