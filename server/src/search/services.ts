import type { AppContext } from '../context.ts';
import { experimentServices } from '../experiments/services.ts';
import { SearchRepo } from '../store/searches.ts';
import type { AskModel } from './methods.ts';
import { SearchService } from './service.ts';

const built = new WeakMap<AppContext, SearchService>();

/**
 * The search service for a context, built once and sharing the context's experiment service: a trial followed
 * over HTTP is the experiment being worked on. `ask` replaces the proposer model's calls (tests), on first build.
 */
export function searchService(
  ctx: AppContext,
  options: { ask?: (endpointId: string, model: string | null) => AskModel } = {},
): SearchService {
  let service = built.get(ctx);
  if (!service) {
    const experiments = experimentServices(ctx);
    service = new SearchService({
      searches: new SearchRepo(ctx.db),
      experiments: experiments.experiments,
      experimentRepo: experiments.repo,
      graphs: ctx.graphs,
      endpoints: ctx.endpoints,
      shutdown: ctx.shutdown,
      ...(options.ask ? { ask: options.ask } : {}),
    });
    built.set(ctx, service);
  }
  return service;
}
