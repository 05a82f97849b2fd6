import fs from 'node:fs';
import {
  describeZodError,
  ForkRequest,
  type NodeOverride,
  RescueRequest,
  type RunChangeInput,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import { compareRuns } from '../replay/compare.ts';
import { replayServices } from '../replay/services.ts';
import { type CliValues, parseCommand, UsageError, usageOf } from './args.ts';
import { formatEvent } from './print.ts';
import { COMPARE, FORK, nodeSettings, perNode, positiveInt, REPLAY, RESCUE } from './replay-commands.ts';
import { formatCompare, formatProgress, formatReplay, formatRescue } from './replay-print.ts';
import { CliError, type CliStore, loadGraph, resolveEndpoint, withStore } from './setup.ts';

function needs<T extends string>(
  values: Record<string, unknown>,
  names: readonly T[],
  command: string,
): void {
  const missing = names.filter((name) => !values[name]);
  if (missing.length > 0) {
    throw new UsageError(
      `${command} needs ${names.map((n) => `--${n}`).join(' and ')}; missing: ${missing.map((n) => `--${n}`).join(', ')}`,
      command,
    );
  }
}

/** Parses a request body the CLI built with its shared schema; a failure is a usage error naming the field. */
function body<S extends z.ZodType>(schema: S, value: unknown, command: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error), command);
  return parsed.data;
}

function environmentOf(appworld: string | undefined) {
  return appworld ? { kind: 'appworld' as const, baseUrl: appworld } : { kind: 'builtin' as const };
}

/** The change the fork and rescue options describe. */
async function changeOf(
  store: CliStore,
  values: CliValues<typeof FORK.options> | CliValues<typeof RESCUE.options>,
  command: string,
): Promise<RunChangeInput> {
  const { ctx } = store;
  const overrides: Record<string, NodeOverride> = {};
  for (const [node, spec] of Object.entries(perNode(values['node-endpoint'], 'node-endpoint', command))) {
    overrides[node] = {
      ...overrides[node],
      endpointId: await resolveEndpoint(spec, ctx, '--node-endpoint'),
    };
  }
  for (const [node, model] of Object.entries(perNode(values['node-model'], 'node-model', command))) {
    overrides[node] = { ...overrides[node], model };
  }
  return {
    nodes: nodeSettings(values.set, command),
    overrides,
    ...(values['to-graph']
      ? { graphVersionId: (await loadGraph(values['to-graph'], ctx, '--to-graph')).id }
      : {}),
    ...(values.endpoint ? { endpointId: await resolveEndpoint(values.endpoint, ctx) } : {}),
    ...(values.model ? { model: values.model } : {}),
  };
}

export async function replay(argv: string[]): Promise<number> {
  const parsed = parseCommand(REPLAY, argv);
  if (parsed.help) {
    console.log(usageOf(REPLAY));
    return 0;
  }
  const { values } = parsed;
  needs(values, ['run'], 'replay');
  return withStore(values['data-dir'], 'replay', async ({ ctx }) => {
    const run = await ctx.runs.get(values.run!);
    if (!run) throw new CliError(`run '${values.run}' does not exist`);
    console.log(
      `Replaying ${run.id} (${run.graphName} on ${run.taskId}, ${run.status}, ${run.steps} steps) from its record; no model is called.`,
    );
    const result = await replayServices(ctx).replays.replay(run.id, {
      environment: environmentOf(values.appworld),
    });
    for (const line of formatReplay(result)) console.log(line);
    return result.match ? 0 : 1;
  });
}

export async function fork(argv: string[]): Promise<number> {
  const parsed = parseCommand(FORK, argv);
  if (parsed.help) {
    console.log(usageOf(FORK));
    return 0;
  }
  const { values } = parsed;
  needs(values, ['run', 'step'], 'fork');
  const step = positiveInt(values.step, 'step', 'fork');
  const read = (file: string | undefined, option: string) => {
    if (file === undefined) return undefined;
    if (!fs.existsSync(file))
      throw new UsageError(`--${option} reads '${file}', which does not exist`, 'fork');
    return fs.readFileSync(file, 'utf8');
  };
  const reply = read(values.reply, 'reply');
  const code = read(values.code, 'code');
  return withStore(values['data-dir'], 'fork', async (store, stopped) => {
    const { ctx } = store;
    const order = body(
      ForkRequest,
      {
        step,
        change: await changeOf(store, values, 'fork'),
        ...(reply === undefined ? {} : { reply }),
        ...(code === undefined ? {} : { code }),
        environment: environmentOf(values.appworld),
      },
      'fork',
    );
    const { forks, lineage } = replayServices(ctx);
    const { run } = await forks.fork(values.run!, order);
    const edit = (await lineage.get(run.id)).edit!;
    console.log(`Fork ${run.id} of ${values.run} at step ${step}; steps before it come from the record.`);
    for (const line of edit.summary) console.log(`  ${line}`);
    let status = 'unknown';
    await new Promise<void>((resolve, reject) => {
      ctx.events.follow(run.id, 0, {
        event: (event) => {
          if (!values.quiet || event.type === 'run.finished') {
            for (const line of formatEvent(run.id, event)) console.log(line);
          }
        },
        end: (end) => {
          status = end;
          resolve();
        },
        // The run's recorded events could not be read: the command ends with that fault.
        fail: reject,
      });
    });
    await ctx.manager.settled(run.id);
    await forks.checked(run.id);
    for (const finding of (await lineage.get(run.id)).findings) {
      console.log(`Finding at step ${finding.step} (${finding.kind}): ${finding.message}`);
    }
    if (stopped() !== null) return 130;
    return status === 'succeeded' ? 0 : 1;
  });
}

async function rescueOrder(store: CliStore, values: CliValues<typeof RESCUE.options>) {
  const filters = {
    ...(values.graph ? { graph: values.graph } : {}),
    ...(values['graph-version'] ? { graphVersionId: values['graph-version'] } : {}),
    ...(values.task ? { task: values.task } : {}),
    ...(values.status ? { status: values.status } : {}),
    ...(values.difficulty ? { difficulty: Number(values.difficulty) } : {}),
  };
  const hasFilter = Object.keys(filters).length > 0;
  if (!values.runs && !hasFilter) {
    throw new UsageError(
      'rescue needs --runs, a filter (--graph, --task, --status, …) or --resume',
      'rescue',
    );
  }
  if (values.runs && hasFilter) throw new UsageError('give --runs or filters, not both', 'rescue');
  const runIds = values.runs
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return body(
    RescueRequest,
    {
      ...(runIds ? { runIds } : { query: filters }),
      ...(values.name ? { name: values.name } : {}),
      change: await changeOf(store, values, 'rescue'),
      from: values.from,
      concurrency: positiveInt(values.concurrency, 'concurrency', 'rescue'),
    },
    'rescue',
  );
}

export async function rescue(argv: string[]): Promise<number> {
  const parsed = parseCommand(RESCUE, argv);
  if (parsed.help) {
    console.log(usageOf(RESCUE));
    return 0;
  }
  const { values } = parsed;
  const concurrency = positiveInt(values.concurrency, 'concurrency', 'rescue');
  return withStore(
    values['data-dir'],
    'rescue',
    async (store, stopped) => {
      const { rescues } = replayServices(store.ctx);
      let id: string;
      if (values.resume) {
        const found = await rescues.get(values.resume);
        if (!found)
          throw new DomainError('not_found', 'not_found', `rescue '${values.resume}' does not exist`);
        id = found.id;
        if (found.status === 'running') {
          await rescues.resume([id]);
          console.log(`Resuming ${id}: ${found.progress.done} of ${found.total} pairs done.`);
        }
      } else {
        const created = await rescues.create(await rescueOrder(store, values));
        id = created.id;
        console.log(
          `Rescuing ${created.total} run${created.total === 1 ? '' : 's'} (${id}), ${created.concurrency} at a time, from ${created.from === 'start' ? 'the first step' : 'the step before the first failure'}.`,
        );
      }
      rescues.follow(id, (update) => {
        if (update.pair && update.pair.status !== 'running') console.log(formatProgress(update.progress));
      });
      await rescues.settled(id);
      const done = (await rescues.get(id))!;
      for (const line of formatRescue(done)) console.log(line);
      if (stopped() !== null) return 130;
      return done.rescued === done.total ? 0 : 1;
    },
    { maxConcurrentRuns: concurrency },
  );
}

export async function compare(argv: string[]): Promise<number> {
  const parsed = parseCommand(COMPARE, argv);
  if (parsed.help) {
    console.log(usageOf(COMPARE));
    return 0;
  }
  const { values } = parsed;
  needs(values, ['left', 'right'], 'compare');
  return withStore(values['data-dir'], 'compare', async ({ ctx }) => {
    for (const line of formatCompare(await compareRuns(ctx, values.left!, values.right!))) console.log(line);
    return 0;
  });
}
