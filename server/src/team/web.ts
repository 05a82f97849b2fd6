import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { TeamWiring } from '../context.ts';
import { RunHub } from '../runs/hub.ts';
import type { RunManager } from '../runs/manager.ts';
import { RunRepo } from '../store/runs.ts';
import type { Store } from '../store/sql.ts';
import { QueueDispatch } from './dispatch.ts';
import { SharedEndpointLimits } from './endpoint-slots.ts';
import { PgListener } from './listener.ts';
import { DEFAULT_STALE_MS, Membership } from './membership.ts';
import { RunQueue } from './queue.ts';
import { RemoteRuns } from './remote-runs.ts';

/** A web server whose runs execute on workers: what its context needs, and how it joins and leaves the team. */
export interface TeamWeb {
  hub: RunHub;
  wiring: TeamWiring;
  queue: RunQueue;
  /** Registers this server and starts beating and sweeping (once its run manager exists). */
  join(manager: RunManager): Promise<void>;
  close(): Promise<void>;
}

export async function startTeamWeb(
  config: Config,
  store: Store,
  log: (line: string) => void,
): Promise<TeamWeb> {
  const url = config.databaseUrl;
  if (!url) throw new Error('runs on workers need the team database: set TRELLIS_DATABASE_URL');
  const id = `web_${randomBytes(5).toString('hex')}`;
  const listener = new PgListener(url);
  await listener.start();
  const queue = await RunQueue.open(url);
  const hub = new RunHub();
  const remote = new RemoteRuns(new RunRepo(store), hub, listener);
  const wiring: TeamWiring = {
    processId: id,
    dispatch: new QueueDispatch(store, queue, remote),
    remote,
    // Forks run here, and count against the same bounds as the workers' runs.
    endpointLimits: new SharedEndpointLimits(store, listener, id, config.perEndpointRequests ?? 64),
  };
  let membership: Membership | null = null;
  wiring.status = async () => {
    const [members, queued] = await Promise.all([
      membership?.registry.list() ?? Promise.resolve([]),
      queue.depth(),
    ]);
    return { members, staleMs: DEFAULT_STALE_MS, queue: { waiting: queued.waiting, taken: queued.locked } };
  };
  return {
    hub,
    wiring,
    queue,
    async join(manager) {
      membership = new Membership(store, queue, manager, {
        id,
        name: 'web',
        concurrency: 0,
        log,
        onGone: () =>
          log('this server was declared gone after missing its heartbeats; forks it ran were interrupted'),
      });
      await membership.join();
    },
    async close() {
      await membership?.leave('the web server stopped');
      remote.close();
      await queue.close().catch(() => undefined);
      await listener.close();
    },
  };
}
