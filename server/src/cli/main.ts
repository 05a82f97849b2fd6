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
import { ConfigError, loadConfig } from '../config.ts';
import { createContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { BuiltinHost } from '../environments/builtin.ts';
import { openDb } from '../store/db.ts';
import { builtinTasks, listTasks } from '../world/index.ts';
import { parseCommand, UsageError, usageOf } from './args.ts';
import { findCommand, PRESETS, RUN, TASKS, taskFilter, topUsage } from './commands.ts';
import { formatEvent } from './print.ts';

class CliError extends Error {}

function loadGraph(spec: string, ctx: ReturnType<typeof createContext>) {
  if ((PRESET_IDS as readonly string[]).includes(spec)) {
    return ctx.graphs.save({ graph: preset(spec as PresetId).graph, message: `preset ${spec}` });
  }
  const stored = ctx.graphs.getVersion(spec);
  if (stored) return stored;
  if (!fs.existsSync(spec))
    throw new CliError(`--graph '${spec}' is not a preset, a saved version id or a file`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(spec, 'utf8'));
  } catch (error) {
    throw new CliError(`--graph ${spec} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = Graph.safeParse(json);
  if (!parsed.success) throw new CliError(`--graph ${spec}: ${describeZodError(parsed.error)}`);
  return ctx.graphs.save({ graph: parsed.data, message: `from ${path.basename(spec)}` });
}

function resolveEndpoint(spec: string, ctx: ReturnType<typeof createContext>): string {
  const found = ctx.endpoints.get(spec) ?? ctx.endpoints.getByName(spec);
  if (found) return found.id;
  if (/^https?:\/\//.test(spec)) {
    const name = `cli ${spec}`;
    const existing = ctx.endpoints.getByName(name);
    if (existing) return existing.id;
    return ctx.endpoints.create({
      name,
      baseUrl: spec.replace(/\/+$/, ''),
      kind: 'other',
      apiKey: process.env.TRELLIS_API_KEY ?? null,
      defaultModel: null,
      defaultParams: {},
      timeouts: DEFAULT_TIMEOUTS,
    }).id;
  }
  const names = ctx.endpoints.list().map((e) => e.name);
  throw new CliError(
    `--endpoint '${spec}' is not a registered endpoint${names.length ? ` (registered: ${names.join(', ')})` : ''}; give a name, an id or a base URL`,
  );
}

function tasks(argv: string[]): number {
  const parsed = parseCommand(TASKS, argv);
  if (parsed.help) {
    console.log(usageOf(TASKS));
    return 0;
  }
  const found = listTasks(taskFilter(parsed.values));
  for (const t of found)
    console.log(`${t.id.padEnd(32)} ${t.split.padEnd(5)} d${t.difficulty}  ${t.instruction}`);
  console.log(`${found.length} tasks`);
  return 0;
}

function presets(argv: string[]): number {
  if (parseCommand(PRESETS, argv).help) {
    console.log(usageOf(PRESETS));
    return 0;
  }
  for (const id of PRESET_IDS) console.log(`${id.padEnd(16)} ${preset(id).description}`);
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(RUN, argv);
  if (parsed.help) {
    console.log(usageOf(RUN));
    return 0;
  }
  const { values } = parsed;
  if (!values.graph || !values.task || !values.endpoint) {
    const missing = (['graph', 'task', 'endpoint'] as const).filter((name) => !values[name]);
    throw new UsageError(
      `run needs --graph, --task and --endpoint; missing: ${missing.map((name) => `--${name}`).join(', ')}`,
      'run',
    );
  }
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { TRELLIS_DATA_DIR: values['data-dir'] } : {}),
  });
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a positive integer, not '${values.concurrency}'`, 'run');
  const db = openDb(path.join(config.dataDir, 'trellis.db'));
  const shutdown = new AbortController();
  const host = new BuiltinHost();
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
    maxConcurrentRuns: concurrency,
  });
  try {
    const version = loadGraph(values.graph, ctx);
    const endpointId = resolveEndpoint(values.endpoint, ctx);
    const taskIds = values.task
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    for (const id of taskIds)
      if (!builtinTasks.get(id)) throw new CliError(`unknown task '${id}' (see: trellis tasks)`);

    let finished = 0;
    const outcomes = new Map<string, string>();
    const runs = taskIds.map((taskId) => {
      const run = ctx.manager.start({
        version,
        taskId,
        difficulty: builtinTasks.get(taskId)?.difficulty ?? null,
        endpointId,
        model: values.model,
        overrides: {},
      });
      const label = taskIds.length > 1 ? taskId : run.id;
      ctx.events.follow(run.id, 0, {
        event: (event) => {
          if (!values.quiet || event.type === 'run.finished') {
            for (const line of formatEvent(label, event)) console.log(line);
          }
        },
        end: (status) => {
          finished++;
          outcomes.set(taskId, status);
          if (taskIds.length > 1) console.log(`progress: ${finished}/${taskIds.length} runs finished`);
        },
      });
      return run;
    });
    // Stopping the command is not the user cancelling each run: runs in flight end `interrupted`, as when a
    // server stops, and say why.
    let stopped: string | null = null;
    const stop = (signal: NodeJS.Signals) => {
      if (stopped !== null) return;
      stopped = signal === 'SIGINT' ? 'Ctrl-C' : signal;
      void ctx.manager.shutdown(`trellis run was stopped (${stopped}) while this run was in flight`);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await ctx.manager.idle();
    const succeeded = [...outcomes.values()].filter((s) => s === 'succeeded').length;
    console.log(
      `\n${succeeded}/${taskIds.length} tasks succeeded. Runs: ${runs.map((r) => r.id).join(', ')}`,
    );
    if (stopped !== null) {
      console.log(`Stopped by ${stopped}: runs still in flight were marked interrupted, their traces kept.`);
      return 130;
    }
    return succeeded === taskIds.length ? 0 : 1;
  } finally {
    ctx.writer.flush();
    await host.close();
    db.close();
  }
}

/** `trellis`, `trellis --help` and `trellis help [command]`; anything else at the top level is a mistake. */
function topLevel(command: string | undefined, rest: string[]): number {
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const about = command === 'help' && rest[0] !== undefined ? findCommand(rest[0]) : undefined;
    if (command === 'help' && rest[0] !== undefined && !about) {
      throw new UsageError(`unknown command '${rest[0]}'`, null);
    }
    console.log(about ? usageOf(about) : topUsage());
    return 0;
  }
  if (command.startsWith('-')) throw new UsageError(`unknown option '${command}'`, null);
  throw new UsageError(`unknown command '${command}'`, null);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'run') return await run(rest);
    if (command === 'tasks') return tasks(rest);
    if (command === 'presets') return presets(rest);
    return topLevel(command, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(
        `trellis: ${error.message} (see: trellis ${error.command ? `${error.command} ` : ''}--help)`,
      );
      return 2;
    }
    if (error instanceof CliError || error instanceof ConfigError || error instanceof DomainError) {
      console.error(`trellis: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('cli', 'main.ts'))) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
