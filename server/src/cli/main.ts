import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
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
import { BuiltinHost } from '../environments/builtin.ts';
import { HttpError } from '../http/errors.ts';
import { builtinTasks } from '../routes/tasks.ts';
import { openDb } from '../store/db.ts';
import { listTasks } from '../world/index.ts';
import { formatEvent } from './print.ts';

const USAGE = `Usage:
  trellis run --graph <preset|version id|file.json> --task <id>[,<id>…] --endpoint <name|id|url> [--model <id>]
              [--concurrency <n>] [--data-dir <dir>] [--quiet]
  trellis tasks [--split dev|test] [--difficulty 1|2|3] [--app <name>] [--search <text>]
  trellis presets

Runs are stored in the data directory (TRELLIS_DATA_DIR) and appear in the web app.
Presets: ${PRESET_IDS.join(', ')}`;

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

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      graph: { type: 'string' },
      task: { type: 'string' },
      endpoint: { type: 'string' },
      model: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.graph || !values.task || !values.endpoint)
    throw new CliError(`run needs --graph, --task and --endpoint\n\n${USAGE}`);
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { TRELLIS_DATA_DIR: values['data-dir'] } : {}),
  });
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new CliError('--concurrency must be a positive integer');
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
      ctx.hub.follow(run.id, 0, (event) => {
        if (!values.quiet || event.type === 'run.finished') {
          for (const line of formatEvent(label, event)) console.log(line);
        }
        if (event.type === 'run.finished') {
          finished++;
          outcomes.set(taskId, event.status);
          if (taskIds.length > 1) console.log(`progress: ${finished}/${taskIds.length} runs finished`);
        }
      });
      return run;
    });
    process.on('SIGINT', () => {
      for (const r of runs) ctx.manager.cancel(r.id);
    });
    await ctx.manager.idle();
    const succeeded = [...outcomes.values()].filter((s) => s === 'succeeded').length;
    console.log(
      `\n${succeeded}/${taskIds.length} tasks succeeded. Runs: ${runs.map((r) => r.id).join(', ')}`,
    );
    return succeeded === taskIds.length ? 0 : 1;
  } finally {
    ctx.writer.flush();
    await host.close();
    db.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'run') return await run(rest);
    if (command === 'presets') {
      for (const id of PRESET_IDS) console.log(`${id.padEnd(16)} ${preset(id).description}`);
      return 0;
    }
    if (command === 'tasks') {
      const { values } = parseArgs({
        args: rest,
        options: {
          split: { type: 'string' },
          difficulty: { type: 'string' },
          app: { type: 'string' },
          search: { type: 'string' },
        },
      });
      const tasks = listTasks({
        ...(values.split ? { split: values.split as 'dev' | 'test' } : {}),
        ...(values.difficulty ? { difficulty: Number(values.difficulty) as 1 | 2 | 3 } : {}),
        ...(values.app ? { app: values.app } : {}),
        ...(values.search ? { search: values.search } : {}),
      });
      for (const t of tasks)
        console.log(`${t.id.padEnd(32)} ${t.split.padEnd(5)} d${t.difficulty}  ${t.instruction}`);
      console.log(`${tasks.length} tasks`);
      return 0;
    }
    console.log(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof HttpError) {
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
