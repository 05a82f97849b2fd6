import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_TIMEOUTS,
  describeZodError,
  Graph,
  PRESET_IDS,
  type PresetId,
  preset,
} from '@trellis/shared';
import { loadConfig, storeLocation } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { BuiltinHost } from '../environments/builtin.ts';
import { openStore } from '../store/db.ts';
import type { StoredVersion } from '../store/graphs.ts';
import { builtinTasks } from '../world/index.ts';

/** A mistake in what the CLI was asked to do (a graph file that does not parse, an unknown endpoint). */
export class CliError extends Error {}

/** A preset, a saved version id or a graph JSON file, saved as a version. `option` names the flag in errors. */
export async function loadGraph(spec: string, ctx: AppContext, option = '--graph'): Promise<StoredVersion> {
  if ((PRESET_IDS as readonly string[]).includes(spec)) {
    return ctx.graphs.save({ graph: preset(spec as PresetId).graph, message: `preset ${spec}` });
  }
  const stored = await ctx.graphs.getVersion(spec);
  if (stored) return stored;
  if (!fs.existsSync(spec))
    throw new CliError(`${option} '${spec}' is not a preset, a saved version id or a file`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(spec, 'utf8'));
  } catch (error) {
    throw new CliError(`${option} ${spec} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = Graph.safeParse(json);
  if (!parsed.success) throw new CliError(`${option} ${spec}: ${describeZodError(parsed.error)}`);
  return ctx.graphs.save({ graph: parsed.data, message: `from ${path.basename(spec)}` });
}

/** A registered endpoint's id, name or a base URL (registered on first use, its key from TRELLIS_API_KEY). */
export async function resolveEndpoint(spec: string, ctx: AppContext, option = '--endpoint'): Promise<string> {
  const found = (await ctx.endpoints.get(spec)) ?? (await ctx.endpoints.getByName(spec));
  if (found) return found.id;
  if (/^https?:\/\//.test(spec)) {
    const name = `cli ${spec}`;
    const existing = await ctx.endpoints.getByName(name);
    if (existing) return existing.id;
    const created = await ctx.endpoints.create({
      name,
      baseUrl: spec.replace(/\/+$/, ''),
      kind: 'other',
      apiKey: process.env.TRELLIS_API_KEY ?? null,
      defaultModel: null,
      defaultParams: {},
      timeouts: DEFAULT_TIMEOUTS,
    });
    return created.id;
  }
  const names = (await ctx.endpoints.list()).map((e) => e.name);
  throw new CliError(
    `${option} '${spec}' is not a registered endpoint${names.length ? ` (registered: ${names.join(', ')})` : ''}; give a name, an id or a base URL`,
  );
}

/**
 * The registered endpoint a value starts with (its id, name or base URL, then `/`), the longest such; else, for a
 * URL, its base (registered on first use): up to an API version segment such as `/v1` where there is one, since
 * OpenAI-compatible servers are addressed there, else its origin. Null when the value names no endpoint.
 */
export async function endpointPrefix(
  value: string,
  ctx: AppContext,
  option: string,
): Promise<{ endpointId: string; rest: string } | null> {
  let found: { endpointId: string; length: number } | null = null;
  for (const endpoint of await ctx.endpoints.list()) {
    for (const spec of [endpoint.id, endpoint.name, endpoint.baseUrl]) {
      if (value.startsWith(`${spec}/`) && spec.length > (found?.length ?? 0)) {
        found = { endpointId: endpoint.id, length: spec.length };
      }
    }
  }
  if (found) return { endpointId: found.endpointId, rest: value.slice(found.length + 1) };
  const url =
    /^(https?:\/\/[^/]+(?:\/[^/]+)*?\/v\d+)(?:\/(.*))?$/.exec(value) ??
    /^(https?:\/\/[^/]+)\/(.*)$/.exec(value);
  return url ? { endpointId: await resolveEndpoint(url[1]!, ctx, option), rest: url[2] ?? '' } : null;
}

/** `<endpoint>[/<model>]`: an endpoint and the model to ask there; without a model, the endpoint's default. */
export async function endpointModel(
  spec: string,
  ctx: AppContext,
  option: string,
): Promise<{ endpointId: string; model?: string }> {
  const whole = (await ctx.endpoints.get(spec)) ?? (await ctx.endpoints.getByName(spec));
  if (whole) return { endpointId: whole.id };
  const prefixed = await endpointPrefix(spec, ctx, option);
  if (!prefixed) return { endpointId: await resolveEndpoint(spec, ctx, option) };
  const { endpointId, rest } = prefixed;
  return rest ? { endpointId, model: rest } : { endpointId };
}

/** The store the server would open (the data directory's, or TRELLIS_DATABASE_URL's), with the built-in world. */
export interface CliStore {
  ctx: AppContext;
  /** Stops what is in flight: runs end `interrupted` with `reason`, long jobs are left to be resumed. */
  stop(reason?: string): Promise<void>;
  /** Stops what is still in flight and closes the store. */
  close(): Promise<void>;
}

export async function openCliStore(
  dataDir: string | undefined,
  options: { maxConcurrentRuns?: number } = {},
): Promise<CliStore> {
  const config = loadConfig({ ...process.env, ...(dataDir ? { TRELLIS_DATA_DIR: dataDir } : {}) });
  const db = await openStore(storeLocation(config));
  const shutdown = new AbortController();
  const host = new BuiltinHost();
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
    ...(options.maxConcurrentRuns ? { maxConcurrentRuns: options.maxConcurrentRuns } : {}),
  });
  let stopping: Promise<void> | null = null;
  const stop = (reason?: string) => {
    stopping ??= (async () => {
      const stopped = ctx.manager.shutdown(reason);
      shutdown.abort();
      await stopped;
    })();
    return stopping;
  };
  return {
    ctx,
    stop,
    async close() {
      await stop();
      await ctx.writer.flush();
      await host.close();
      await db.close();
    },
  };
}

/** Runs `work` over the store, stopping what is in flight on Ctrl-C (runs end interrupted, kept). */
export async function withStore(
  dataDir: string | undefined,
  command: string,
  work: (store: CliStore, stopped: () => string | null) => Promise<number>,
  options: { maxConcurrentRuns?: number } = {},
): Promise<number> {
  const store = await openCliStore(dataDir, options);
  await store.ctx.registry.seedDeclared();
  let stopped: string | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (stopped !== null) return;
    stopped = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    void store.stop(`trellis ${command} was stopped (${stopped}) while this run was in flight`);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(store, () => stopped);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await store.close();
  }
}
