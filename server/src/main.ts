import { startAccounts } from './accounts/start-up.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, storeLocation } from './config.ts';
import { createContext } from './context.ts';
import { BuiltinHost } from './environments/builtin.ts';
import { experimentServices } from './experiments/services.ts';
import { optimiserService } from './optimiser/services.ts';
import { replayServices } from './replay/services.ts';
import { searchService } from './search/services.ts';
import { openStore, type Store } from './store/db.ts';
import { startTeamWeb, type TeamWeb } from './team/web.ts';
import { builtinTasks } from './world/index.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`trellis: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  let db: Store;
  try {
    db = await openStore(storeLocation(config));
  } catch (error) {
    console.error(`trellis: the store could not be opened: ${(error as Error).message}`);
    process.exit(1);
  }
  const shutdown = new AbortController();
  const host = new BuiltinHost();
  const log = (line: string) => console.log(`trellis: ${line}`);
  let team: TeamWeb | null = null;
  if (config.execution === 'workers') {
    try {
      team = await startTeamWeb(config, db, log);
    } catch (error) {
      console.error(`trellis: the run queue could not be opened: ${(error as Error).message}`);
      process.exit(1);
    }
  }
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
    ...(team ? { hub: team.hub, team: team.wiring } : {}),
  });
  await startAccounts(ctx.accounts, config, log);
  if (team) {
    // Runs in flight belong to workers: one that died has its runs ended by whoever sweeps first.
    await team.join(ctx.manager);
  } else {
    const interrupted = await ctx.manager.recover();
    if (interrupted.length > 0) {
      console.log(
        `trellis: marked ${interrupted.length} run(s) left in flight by the last server as interrupted`,
      );
    }
  }
  // Not awaited: a declared server may come up after Trellis; its model is filled in when it answers.
  void ctx.registry.seedDeclared();
  const resumed = await replayServices(ctx).rescues.resume();
  if (resumed.length > 0)
    console.log(`trellis: resumed ${resumed.length} rescue(s) left running by the last server`);
  const { experiments } = experimentServices(ctx);
  const resumedExperiments = await experiments.resume();
  if (resumedExperiments.length > 0) {
    console.log(
      `trellis: resumed ${resumedExperiments.length} experiment(s) left running by the last server`,
    );
  }
  const searches = searchService(ctx);
  const resumedSearches = await searches.resume();
  if (resumedSearches.length > 0) {
    console.log(`trellis: resumed ${resumedSearches.length} search(es) left running by the last server`);
  }
  const optimiser = optimiserService(ctx);
  const resumedOptimisations = await optimiser.resume();
  if (resumedOptimisations.length > 0) {
    console.log(
      `trellis: resumed ${resumedOptimisations.length} optimisation(s) left running by the last server`,
    );
  }
  const app = await buildApp(ctx, {
    logger: process.env.TRELLIS_LOG === '1',
    appworldEnvironment: () => host.environment(),
  });
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`trellis: ${signal}, shutting down`);
    const runsStopped = ctx.manager.shutdown();
    shutdown.abort();
    await runsStopped;
    // Experiments leave their items in flight to be resumed; they record that before the store closes.
    await Promise.race([
      Promise.all([experiments.idle(), searches.idle(), optimiser.idle()]),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]);
    await app.close();
    await team?.close();
    await host.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const where = config.databaseUrl
    ? `store ${db.location}, files in ${config.dataDir}${team ? ', runs on workers' : ''}`
    : `data in ${config.dataDir}`;
  console.log(`trellis: serving UI and API at http://${shownHost}:${port}/ (${where})`);
}

void main();
