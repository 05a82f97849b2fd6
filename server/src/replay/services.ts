import type { AppContext } from '../context.ts';
import { LineageRepo } from '../store/lineage.ts';
import { RescueRepo } from '../store/rescues.ts';
import { ForkService } from './fork.ts';
import { ReplayService } from './replay.ts';
import { RescueService } from './rescue.ts';

/** Replay, fork and rescue over one app's store and run manager. */
export interface ReplayServices {
  lineage: LineageRepo;
  replays: ReplayService;
  forks: ForkService;
  rescues: RescueService;
}

const built = new WeakMap<AppContext, ReplayServices>();

/**
 * The services for a context, built once: the routes, start-up (resuming rescues) and the CLI share them, so a
 * rescue followed over HTTP is the one being worked on.
 */
export function replayServices(ctx: AppContext): ReplayServices {
  let services = built.get(ctx);
  if (!services) {
    const lineage = new LineageRepo(ctx.db);
    const deps = { ...ctx, lineage };
    const forks = new ForkService(deps);
    services = {
      lineage,
      replays: new ReplayService(deps),
      forks,
      rescues: new RescueService({ ...deps, rescues: new RescueRepo(ctx.db), forks }),
    };
    built.set(ctx, services);
  }
  return services;
}
