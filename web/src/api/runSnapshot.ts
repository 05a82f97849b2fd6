import type { RunDetail, RunEvent } from '@trellis/shared';

declare global {
  interface Window {
    /**
     * Set by index.html when the page opens on /runs/<id>: the snapshot request and the run's record request,
     * already under way.
     */
    __trellisRunSnapshot?: { runId: string; response: Promise<Response>; detail?: Promise<Response> };
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

/** The run's record, or null when it cannot be read (the page's own query then reports why). */
async function readDetail(response: Promise<Response>): Promise<RunDetail | null> {
  try {
    const result = await response;
    return result.ok ? ((await result.json()) as RunDetail) : null;
  } catch {
    return null;
  }
}

/** The requests index.html started for this run, if they have not been taken yet. */
function takeEarlyRequests(
  runId: string,
): { events: Promise<RunEvent[]>; detail: Promise<RunDetail | null> | null } | null {
  const early = window.__trellisRunSnapshot;
  if (!early || early.runId !== runId) return null;
  window.__trellisRunSnapshot = undefined;
  return { events: readSnapshot(early.response), detail: early.detail ? readDetail(early.detail) : null };
}

function requestSnapshot(runId: string): Promise<RunEvent[]> {
  return readSnapshot(fetch(snapshotUrl(runId), { headers: { accept: 'application/json' } }));
}

function requestDetail(runId: string): Promise<RunDetail | null> {
  return readDetail(
    fetch(`/api/runs/${encodeURIComponent(runId)}`, { headers: { accept: 'application/json' } }),
  );
}

/** A snapshot read ahead of the page that shows it: still arriving, or parsed and waiting to be taken. */
let ahead: { runId: string; events: Promise<RunEvent[]>; parsed: RunEvent[] | null } | null = null;
/** The run's record read ahead with its snapshot, once it has arrived. */
let aheadDetail: { runId: string; detail: RunDetail } | null = null;

/**
 * Reads a run's snapshot, and its record, ahead of its page, so the page's first render can fold the events and
 * show the trace at once, with a complete header, instead of rendering empty and again when they arrive.
 * Resolves once both are read, or after `waitMs` (a slow snapshot should not hold the page back: it then renders
 * its loading state); never rejects.
 */
export function preloadRunSnapshot(runId: string, waitMs: number): Promise<void> {
  const early = takeEarlyRequests(runId);
  const events = early?.events ?? requestSnapshot(runId);
  const detail = early?.detail ?? requestDetail(runId);
  const entry: NonNullable<typeof ahead> = { runId, events, parsed: null };
  ahead = entry;
  const settled = Promise.all([
    events.then(
      (list) => {
        entry.parsed = list;
      },
      () => undefined,
    ),
    detail.then((record) => {
      if (record) aheadDetail = { runId, detail: record };
    }),
  ]);
  return Promise.race([
    settled.then(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, waitMs)),
  ]);
}

/** The run's snapshot if it was read ahead and has arrived; taken once. */
export function takePreloadedSnapshot(runId: string): RunEvent[] | null {
  if (ahead?.runId !== runId || ahead.parsed === null) return null;
  const { parsed } = ahead;
  ahead = null;
  return parsed;
}

/** The run's record if it was read ahead with the snapshot and has arrived; taken once. */
export function takePreloadedDetail(runId: string): RunDetail | null {
  if (aheadDetail?.runId !== runId) return null;
  const { detail } = aheadDetail;
  aheadDetail = null;
  return detail;
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
  return takeEarlyRequests(runId)?.events ?? requestSnapshot(runId);
}
