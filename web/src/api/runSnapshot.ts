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

/**
 * The run's recorded events so far (deltas of finished calls left out: their responses carry the text). The
 * first load of the run the page opened on takes the request index.html started early.
 */
export async function loadRunSnapshot(runId: string): Promise<RunEvent[]> {
  const early = window.__trellisRunSnapshot;
  let response: Promise<Response>;
  if (early && early.runId === runId) {
    window.__trellisRunSnapshot = undefined;
    response = early.response;
  } else {
    response = fetch(snapshotUrl(runId), { headers: { accept: 'application/json' } });
  }
  const result = await response;
  if (!result.ok) throw new Error(`the run's events could not be loaded (HTTP ${result.status})`);
  return (await result.json()) as RunEvent[];
}
