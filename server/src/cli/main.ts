import path from 'node:path';
import { PRESET_IDS, preset, type RunDetail } from '@trellis/shared';
import { ConfigError } from '../config.ts';
import { DomainError } from '../domain-errors.ts';
import { builtinTasks, listTasks } from '../world/index.ts';
import { parseCommand, UsageError, usageOf } from './args.ts';
import { findCommand, PRESETS, RUN, TASKS, taskFilter, topUsage } from './commands.ts';
import { experiment } from './experiment-run.ts';
import { optimise } from './optimise-run.ts';
import { formatEvent, simulatedNotice, simulatedSuffix } from './print.ts';
import { compare, fork, replay, rescue } from './replay-run.ts';
import { search } from './search-run.ts';
import { CliError, loadGraph, resolveEndpoint, withStore } from './setup.ts';
import { user } from './user-run.ts';
import { worker } from './worker-run.ts';

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
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a positive integer, not '${values.concurrency}'`, 'run');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31))
    throw new UsageError(`--seed must be an integer from 0 to 2147483647, not '${values.seed}'`, 'run');
  const graph = values.graph;
  const endpoint = values.endpoint;
  const taskIds = values.task
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return withStore(
    values['data-dir'],
    'run',
    async ({ ctx }, stopped) => {
      const version = await loadGraph(graph, ctx);
      const endpointId = await resolveEndpoint(endpoint, ctx);
      for (const id of taskIds)
        if (!builtinTasks.get(id)) throw new CliError(`unknown task '${id}' (see: trellis tasks)`);

      let finished = 0;
      const outcomes = new Map<string, string>();
      const simulated = new Set<string>();
      const runs: RunDetail[] = [];
      for (const taskId of taskIds) {
        const run = await ctx.manager.start({
          version,
          taskId,
          difficulty: builtinTasks.get(taskId)?.difficulty ?? null,
          endpointId,
          model: values.model,
          overrides: {},
          seed,
        });
        const label = taskIds.length > 1 ? taskId : run.id;
        ctx.events.follow(run.id, 0, {
          event: (event) => {
            const notice = simulatedNotice(event, simulated);
            if (notice) console.log(notice);
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
        runs.push(run);
      }
      await ctx.manager.idle();
      const succeeded = [...outcomes.values()].filter((s) => s === 'succeeded').length;
      console.log(
        `\n${succeeded}/${taskIds.length} tasks succeeded${simulatedSuffix(simulated)}. Runs: ${runs.map((r) => r.id).join(', ')}`,
      );
      const stoppedBy = stopped();
      if (stoppedBy !== null) {
        console.log(
          `Stopped by ${stoppedBy}: runs still in flight were marked interrupted, their traces kept.`,
        );
        return 130;
      }
      return succeeded === taskIds.length ? 0 : 1;
    },
    { maxConcurrentRuns: concurrency },
  );
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
    if (command === 'replay') return await replay(rest);
    if (command === 'fork') return await fork(rest);
    if (command === 'rescue') return await rescue(rest);
    if (command === 'compare') return await compare(rest);
    if (command === 'experiment') return await experiment(rest);
    if (command === 'search') return await search(rest);
    if (command === 'optimise') return await optimise(rest);
    if (command === 'user') return await user(rest);
    if (command === 'worker') return await worker(rest);
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
