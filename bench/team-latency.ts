import { EVENTS_CHANNEL } from '../server/src/store/channels.ts';
import { PgListener } from '../server/src/team/listener.ts';
import type { Upstream } from './experiment-upstream.ts';
import {
  type Cleanup,
  type Deployment,
  followRun,
  loadAverage,
  percentile,
  type Received,
  startEmbedded,
  type Team,
} from './team-rig.ts';

export interface LatencyOptions {
  /** Runs per round, each followed over SSE from its submission to its end. */
  runs: number;
  steps: number;
  /** Rounds per deployment, alternating which goes first. */
  rounds: number;
  workers: number;
  concurrency: number;
}

interface Sample {
  type: string;
  ms: number;
  /** Team only: from `at` to this process hearing the notification of the committed batch that held the event. */
  notifiedMs?: number;
}

/**
 * When this process heard each run's committed batches (`<runId>:<last seq>` on the events channel), the way the
 * web server hears them: the store's side of the path, apart from what the web server does after.
 */
class BatchNotifications {
  private readonly heard = new Map<string, { seq: number; at: number }[]>();

  constructor(listener: PgListener) {
    listener.on(EVENTS_CHANNEL, (payload) => {
      const at = Date.now();
      const colon = payload.lastIndexOf(':');
      const runId = payload.slice(0, colon);
      this.heard.set(runId, [
        ...(this.heard.get(runId) ?? []),
        { seq: Number(payload.slice(colon + 1)), at },
      ]);
    });
  }

  /** When the first batch holding the event was heard of. */
  heardAt(runId: string, seq: number): number | undefined {
    return this.heard.get(runId)?.find((batch) => batch.seq >= seq)?.at;
  }
}

/**
 * One round: runs submitted one after another, each followed over SSE as soon as it is created. Only live events
 * count: those emitted (`at`) once the stream had begun; earlier ones are replayed history.
 */
async function round(
  target: Deployment,
  name: string,
  runs: number,
  steps: number,
  batches: BatchNotifications | null,
): Promise<Sample[]> {
  const { api } = target;
  const versionId = await api.saveGraph(name, steps);
  const follows: Promise<{ openedAt: number; events: Received[] }>[] = [];
  for (let seed = 0; seed < runs; seed++) {
    const runId = await api.startRun(versionId, target.endpointId, seed);
    follows.push(followRun(api, runId));
  }
  const samples: Sample[] = [];
  for (const { openedAt, events } of await Promise.all(follows)) {
    if (events.at(-1)?.event.type !== 'run.finished')
      throw new Error(`${target.label}: a stream ended early`);
    for (const { event, receivedAt } of events) {
      if (event.at < openedAt) continue;
      const heardAt = batches?.heardAt(event.runId, event.seq);
      samples.push({
        type: event.type,
        ms: receivedAt - event.at,
        ...(heardAt !== undefined ? { notifiedMs: heardAt - event.at } : {}),
      });
    }
  }
  return samples;
}

const FAMILIES: [string, (sample: Sample) => boolean][] = [
  ['all live events', () => true],
  ['step.*', (s) => s.type.startsWith('step.')],
  ['llm.* (request, deltas, response)', (s) => s.type.startsWith('llm.')],
  ['node.*, action.*', (s) => s.type.startsWith('node.') || s.type.startsWith('action.')],
  ['run.finished', (s) => s.type === 'run.finished'],
];

const spread = (values: number[]) => [50, 90, 99, 100].map((p) => percentile(values, p)).join(' / ');

export async function liveLatency(
  cleanup: Cleanup,
  team: Team,
  model: Upstream,
  options: LatencyOptions,
): Promise<void> {
  const { runs, steps, rounds, workers, concurrency } = options;
  console.log(
    `\nLive event latency, worker to browser: ${rounds} rounds of ${runs} runs of ${steps} steps per deployment, ` +
      `each run followed over SSE from the web server; team: ${workers} worker(s) × ${concurrency} runs at once, ` +
      `embedded: ${workers * concurrency} runs at once in the web server.`,
  );
  await team.setWorkers(workers);
  const listener = new PgListener(team.databaseUrl);
  await listener.start();
  cleanup.add(() => listener.close());
  const batches = new BatchNotifications(listener);
  const embedded = await startEmbedded(cleanup, model, workers * concurrency);
  const samples: Record<string, Sample[]> = { team: [], embedded: [] };
  // One round each to warm up (sandbox interpreters, code paths), not counted.
  for (let r = 0; r <= rounds; r++) {
    const order: Deployment[] = r % 2 === 0 ? [team, embedded] : [embedded, team];
    for (const target of order) {
      const got = await round(
        target,
        `team latency r${r}`,
        r === 0 ? workers * concurrency : runs,
        steps,
        target === team ? batches : null,
      );
      const values = got.map((s) => s.ms);
      console.log(
        `  ${target.label}, ${r === 0 ? 'warm-up' : `round ${r}`}: ${got.length} live events, p50 ${percentile(values, 50)} ms, ` +
          `p99 ${percentile(values, 99)} ms (load ${loadAverage()})`,
      );
      if (r > 0) samples[target.label]!.push(...got);
    }
  }
  await embedded.stop();
  const rows: Record<string, string | number>[] = [];
  for (const [family, holds] of FAMILIES) {
    const row: Record<string, string | number> = { events: family };
    for (const label of ['team', 'embedded']) {
      const values = samples[label]!.filter(holds).map((s) => s.ms);
      row[`${label} n`] = values.length;
      row[`${label} p50 / p90 / p99 / max ms`] = spread(values);
    }
    rows.push(row);
  }
  await listener.close();
  console.log('\nLive event latency (ms from the event emitted to its SSE frame received; one clock)');
  console.table(rows);
  const split = samples.team!.filter((s) => s.notifiedMs !== undefined);
  console.log(
    `\nThe team's path in two parts, all live events (${split.length} of ${samples.team!.length} matched to a ` +
      'notification heard by this process)',
  );
  console.table([
    {
      part: "emitted → its batch committed and notified (the worker's EventWriter, the transaction)",
      'p50 / p90 / p99 / max ms': spread(split.map((s) => s.notifiedMs!)),
    },
    {
      part: 'notified → SSE frame received (the web server reads the batch from the store and sends it)',
      'p50 / p90 / p99 / max ms': spread(split.map((s) => s.ms - s.notifiedMs!)),
    },
  ]);
}
