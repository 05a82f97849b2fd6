import fs from 'node:fs';
import { describeZodError, OptimiserRequest } from '@trellis/shared';
import type { AppContext } from '../context.ts';
import { SIMULATED_NOTICE } from '../experiments/export.ts';
import { experimentServices } from '../experiments/services.ts';
import { toJsonl } from '../optimiser/rounds-export.ts';
import { optimiserService } from '../optimiser/services.ts';
import { type CliValues, parseCommand, UsageError, usageOf } from './args.ts';
import {
  OPTIMISE,
  OPTIMISE_CREATE,
  OPTIMISE_EXPORT,
  OPTIMISE_RUN,
  OPTIMISE_STATUS,
} from './optimise-commands.ts';
import { bestLine, describeOptimisation, listLine, roundPrinter, roundsTable } from './optimise-print.ts';
import { positiveInt } from './replay-commands.ts';
import { CliError, type CliStore, endpointModel, loadGraph, resolveEndpoint, withStore } from './setup.ts';

const CREATE = OPTIMISE_CREATE.name;

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function missingOf(values: CliValues<typeof OPTIMISE_CREATE.options>): string[] {
  const missing = (['graph', 'endpoint', 'meta'] as const)
    .filter((name) => values[name] === undefined)
    .map((name) => `--${name}`);
  if (!values.split && !values.tasks) missing.push('--split dev or --tasks');
  return missing;
}

/**
 * What the options say, read without the store: a mistake in them is found before anything is opened. The numbers
 * are checked against the request's own schema, with stand-ins for what only the store can resolve.
 */
function checkUsage(values: CliValues<typeof OPTIMISE_CREATE.options>) {
  const missing = missingOf(values);
  if (missing.length > 0) throw new UsageError(`optimise create needs ${missing.join(', ')}`, CREATE);
  if (values.split && values.split !== 'dev') {
    throw new UsageError(
      `--split must be dev (an optimisation never reads the test split), not '${values.split}'`,
      CREATE,
    );
  }
  const failures = Number(values.failures);
  if (!Number.isInteger(failures) || failures < 0) {
    throw new UsageError(`--failures must be a whole number, not '${values.failures}'`, CREATE);
  }
  const seeds = list(values.seeds)?.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seeds: '${s}' is not a seed`, CREATE);
    return n;
  });
  const fields = {
    ...(values.name ? { name: values.name } : {}),
    ...(values.model ? { model: values.model } : {}),
    tasks: {
      ...(values.split ? { split: values.split } : {}),
      ...(values.tasks ? { ids: list(values.tasks) } : {}),
    },
    rounds: positiveInt(values.rounds, 'rounds', CREATE),
    failureSamples: failures,
    repeats: positiveInt(values.repeats, 'repeats', CREATE),
    concurrencyPerEndpoint: positiveInt(values.concurrency, 'concurrency', CREATE),
    ...(seeds ? { seeds } : {}),
  };
  const checked = OptimiserRequest.safeParse({
    ...fields,
    graphVersionId: '-',
    metaAgent: { endpointId: '-' },
  });
  if (!checked.success) throw new UsageError(describeZodError(checked.error), CREATE);
  return fields;
}

/** `--meta <endpoint>[/<model>]`, refused now when neither it nor its endpoint names a model. */
async function metaAgentOf(spec: string, ctx: AppContext) {
  const meta = await endpointModel(spec, ctx, '--meta');
  const endpoint = await ctx.endpoints.get(meta.endpointId);
  if (!meta.model && !endpoint?.defaultModel) {
    const name = endpoint?.name ?? meta.endpointId;
    throw new CliError(
      `--meta '${spec}' names no model and endpoint '${name}' has no default model; give <endpoint>/<model>`,
    );
  }
  return meta;
}

/** The optimiser request the options describe, graph and endpoints resolved in the store. */
async function requestOf(
  store: CliStore,
  values: CliValues<typeof OPTIMISE_CREATE.options>,
  fields: ReturnType<typeof checkUsage>,
) {
  const ctx = store.ctx;
  const parsed = OptimiserRequest.safeParse({
    ...fields,
    graphVersionId: (await loadGraph(values.graph!, ctx)).id,
    endpointId: await resolveEndpoint(values.endpoint!, ctx),
    metaAgent: await metaAgentOf(values.meta!, ctx),
  });
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error), CREATE);
  return parsed.data;
}

/** Endpoint names by id, read once for printing (an unknown id prints as itself). */
async function endpointNames(ctx: AppContext): Promise<(id: string) => string> {
  const names = new Map((await ctx.endpoints.list()).map((e) => [e.id as string, e.name]));
  return (id) => names.get(id) ?? id;
}

/** Works on an optimisation here until it ends (or Ctrl-C), a line per round, then prints its rounds and the best. */
async function follow(store: CliStore, id: string, stopped: () => string | null): Promise<number> {
  const optimiser = optimiserService(store.ctx);
  const print = (lines: string[]) => {
    for (const line of lines) console.log(line);
  };
  const printer = roundPrinter();
  // Followed before the first read, so no update is missed while it is read; an update that comes first is
  // newer than that read and shows as much, so the read is printed only when none has.
  let told = false;
  const unfollow = optimiser.follow(id, (update) => {
    told = true;
    print(printer(update));
  });
  const first = (await optimiser.get(id))!;
  if (!told) print(printer({ optimisation: first }));
  await optimiser.settled(id);
  unfollow?.();
  const optimisation = (await optimiser.get(id))!;
  if (stopped() !== null) {
    console.log(
      `Stopped by ${stopped()}: ${optimisation.roundsDone} of ${optimisation.roundsRequested} rounds done; resume with: trellis optimise run --id ${id}`,
    );
    return 130;
  }
  console.log('');
  for (const line of roundsTable(optimisation)) console.log(line);
  console.log('');
  console.log(bestLine(optimisation));
  if (optimisation.status !== 'finished') {
    console.log(
      `The optimisation ${optimisation.status}${optimisation.stopReason ? `: ${optimisation.stopReason}` : ''}.`,
    );
  }
  return optimisation.status === 'finished' ? 0 : 1;
}

async function create(argv: string[]): Promise<number> {
  const parsed = parseCommand(OPTIMISE_CREATE, argv);
  if (parsed.help) {
    console.log(usageOf(OPTIMISE_CREATE));
    return 0;
  }
  const { values } = parsed;
  const fields = checkUsage(values);
  return withStore(values['data-dir'], CREATE, async (store, stopped) => {
    const created = await optimiserService(store.ctx).create(await requestOf(store, values, fields));
    for (const line of describeOptimisation(created, await endpointNames(store.ctx))) console.log(line);
    return follow(store, created.id, stopped);
  });
}

async function runOptimisation(argv: string[]): Promise<number> {
  const parsed = parseCommand(OPTIMISE_RUN, argv);
  if (parsed.help) {
    console.log(usageOf(OPTIMISE_RUN));
    return 0;
  }
  const { values } = parsed;
  if (!values.id) throw new UsageError('optimise run needs --id', OPTIMISE_RUN.name);
  return withStore(values['data-dir'], OPTIMISE_RUN.name, async (store, stopped) => {
    const optimiser = optimiserService(store.ctx);
    const found = (await optimiser.get((await optimiser.found(values.id!)).id))!;
    if (found.status !== 'running') {
      console.log(`${found.name} (${found.id}) is ${found.status}; nothing to run.`);
      return found.status === 'finished' ? 0 : 1;
    }
    // The rounds a stop left being scored are experiments of their own: take them up before the optimiser waits on them.
    const inFlight = found.candidates.filter((c) => c.status === 'running').map((c) => c.experimentId!);
    await experimentServices(store.ctx).experiments.resume(inFlight);
    await optimiser.resume([found.id]);
    const names = await endpointNames(store.ctx);
    for (const line of describeOptimisation((await optimiser.get(found.id))!, names)) console.log(line);
    return follow(store, found.id, stopped);
  });
}

async function status(argv: string[]): Promise<number> {
  const parsed = parseCommand(OPTIMISE_STATUS, argv);
  if (parsed.help) {
    console.log(usageOf(OPTIMISE_STATUS));
    return 0;
  }
  const { values } = parsed;
  return withStore(values['data-dir'], OPTIMISE_STATUS.name, async (store) => {
    const optimiser = optimiserService(store.ctx);
    if (values.id) {
      const found = (await optimiser.get((await optimiser.found(values.id)).id))!;
      for (const line of describeOptimisation(found, await endpointNames(store.ctx))) console.log(line);
      if (found.candidates.length > 0) {
        console.log('');
        for (const line of roundsTable(found)) console.log(line);
        console.log('');
        console.log(bestLine(found));
      }
      return 0;
    }
    const all = await optimiser.list();
    for (const optimisation of all) console.log(listLine(optimisation));
    console.log(`${all.length} optimisation${all.length === 1 ? '' : 's'}`);
    return 0;
  });
}

async function exportRounds(argv: string[]): Promise<number> {
  const parsed = parseCommand(OPTIMISE_EXPORT, argv);
  if (parsed.help) {
    console.log(usageOf(OPTIMISE_EXPORT));
    return 0;
  }
  const { values } = parsed;
  if (!values.id) throw new UsageError('optimise export needs --id', OPTIMISE_EXPORT.name);
  return withStore(values['data-dir'], OPTIMISE_EXPORT.name, async (store) => {
    const optimiser = optimiserService(store.ctx);
    const found = (await optimiser.get((await optimiser.found(values.id!)).id))!;
    const lines = await optimiser.roundLines(found.id);
    const text = toJsonl(lines);
    if (values.out) {
      fs.writeFileSync(values.out, text);
      console.log(
        `wrote ${lines.length} round${lines.length === 1 ? '' : 's'} to ${values.out}${found.simulated ? ` (${SIMULATED_NOTICE})` : ''}`,
      );
    } else {
      process.stdout.write(text);
    }
    return 0;
  });
}

/** `trellis optimise <subcommand>`. */
export async function optimise(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return create(rest);
  if (sub === 'run') return runOptimisation(rest);
  if (sub === 'status') return status(rest);
  if (sub === 'export') return exportRounds(rest);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(usageOf(OPTIMISE));
    return 0;
  }
  throw new UsageError(`unknown subcommand '${sub}' (create, run, status or export)`, 'optimise');
}
