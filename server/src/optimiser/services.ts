import type { AppContext } from '../context.ts';
import { experimentServices } from '../experiments/services.ts';
import { OptimisationRepo } from '../store/optimisations.ts';
import type { AskMetaAgent } from './meta-agent.ts';
import { OptimiserService } from './service.ts';

const built = new WeakMap<AppContext, OptimiserService>();

/**
 * The optimiser service for a context, built once and sharing the context's experiment service: a round followed
 * over HTTP is the experiment being worked on. `ask` replaces the meta-agent's calls (tests), on first build.
 */
export function optimiserService(
  ctx: AppContext,
  options: { ask?: (endpointId: string, model: string | null) => AskMetaAgent } = {},
): OptimiserService {
  let service = built.get(ctx);
  if (!service) {
    const experiments = experimentServices(ctx);
    service = new OptimiserService({
      optimisations: new OptimisationRepo(ctx.db),
      experiments: experiments.experiments,
      experimentRepo: experiments.repo,
      graphs: ctx.graphs,
      endpoints: ctx.endpoints,
      runs: ctx.runs,
      manager: ctx.manager,
      tasks: ctx.tasks,
      shutdown: ctx.shutdown,
      ...(options.ask ? { ask: options.ask } : {}),
    });
    built.set(ctx, service);
  }
  return service;
}
