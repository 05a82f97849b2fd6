import {
  type ComputeRule,
  describeZodError,
  KNOB_NAMES,
  type KnobName,
  type ModelChoice,
  type NodeKnobs,
  SEARCH_METHODS,
  SearchRequest,
} from '@trellis/shared';
import type { AppContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { experimentServices } from '../experiments/services.ts';
import { searchService } from '../search/services.ts';
import { type CliValues, parseCommand, UsageError, usageOf } from './args.ts';
import { positiveInt } from './replay-commands.ts';
import { SEARCH, SEARCH_CREATE, SEARCH_RUN, SEARCH_STATUS } from './search-commands.ts';
import { bestLine, describeSearch, listLine, trialLine, trialsTable } from './search-print.ts';
import {
  type CliStore,
  endpointModel,
  endpointPrefix,
  loadGraph,
  resolveEndpoint,
  withStore,
} from './setup.ts';

const CREATE = SEARCH_CREATE.name;

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `<endpoint>/<model>`, or `<model>` on the search's endpoint. */
async function modelChoice(
  value: string,
  ctx: AppContext,
  endpointId: string,
  option: string,
): Promise<ModelChoice> {
  const prefixed = await endpointPrefix(value, ctx, option);
  return prefixed?.rest
    ? { endpointId: prefixed.endpointId, model: prefixed.rest }
    : { endpointId, model: value };
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  on: true,
  yes: true,
  false: false,
  off: false,
  no: false,
};

/** One `--knob`, its values read; a model's stay text until the store can resolve their endpoints. */
interface KnobSpec {
  nodeId: string;
  knob: KnobName;
  /** `--knob <node>.<knob>`, for messages. */
  where: string;
  values: (string | number | boolean)[];
}

function knobValue(knob: KnobName, text: string, where: string): string | number | boolean {
  if (knob === 'model' || knob === 'correctorTrigger') return text;
  if (knob === 'thinking') {
    const flag = BOOLEANS[text.toLowerCase()];
    if (flag === undefined) throw new UsageError(`${where}: '${text}' is not true or false`, CREATE);
    return flag;
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${where}: '${text}' is not a number`, CREATE);
  return n;
}

/** `--knob <node>.<knob>=<v1,v2,…>` options, read without the store. */
function knobsOf(specs: readonly string[]): KnobSpec[] {
  const knobs: KnobSpec[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const target = eq > 0 ? spec.slice(0, eq) : '';
    const dot = target.lastIndexOf('.');
    const texts = list(spec.slice(eq + 1)) ?? [];
    if (dot < 1 || dot === target.length - 1 || texts.length === 0) {
      throw new UsageError(
        `--knob '${spec}' must look like <node>.<knob>=<v1,v2,…>, e.g. agent.maxOutputTokens=512,1536`,
        CREATE,
      );
    }
    const nodeId = target.slice(0, dot);
    const knob = target.slice(dot + 1) as KnobName;
    if (!(KNOB_NAMES as readonly string[]).includes(knob)) {
      throw new UsageError(`--knob '${spec}': no knob '${knob}'; knobs: ${KNOB_NAMES.join(', ')}`, CREATE);
    }
    const where = `--knob ${target}`;
    if (knobs.some((k) => k.nodeId === nodeId && k.knob === knob)) {
      throw new UsageError(`${where} is given twice`, CREATE);
    }
    knobs.push({ nodeId, knob, where, values: texts.map((text) => knobValue(knob, text, where)) });
  }
  return knobs;
}

/** The knobs as a search space, model values resolved to endpoints. */
async function spaceOf(
  knobs: readonly KnobSpec[],
  model: (text: string, where: string) => Promise<ModelChoice>,
) {
  const space: Record<string, NodeKnobs> = {};
  for (const { nodeId, knob, where, values } of knobs) {
    const node: Record<string, unknown> = space[nodeId] ?? {};
    if (knob === 'model') {
      // In order: resolving a URL registers its endpoint on first use.
      const choices: ModelChoice[] = [];
      for (const text of values) choices.push(await model(String(text), where));
      node[knob] = choices;
    } else {
      node[knob] = values;
    }
    space[nodeId] = node as NodeKnobs;
  }
  return space;
}

/** `--weight <model>=<in>,<out>` options as the rule's weights. */
function weightsOf(specs: readonly string[]): ComputeRule['weights'] {
  const weights: ComputeRule['weights'] = {};
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const numbers = (list(spec.slice(eq + 1)) ?? []).map(Number);
    if (eq < 1 || numbers.length !== 2 || numbers.some((n) => !Number.isFinite(n) || n < 0)) {
      throw new UsageError(`--weight '${spec}' must look like <model>=<in>,<out>, e.g. big-32b=4,4`, CREATE);
    }
    weights[spec.slice(0, eq)] = { input: numbers[0]!, output: numbers[1]! };
  }
  return weights;
}

function missingOf(values: CliValues<typeof SEARCH_CREATE.options>): string[] {
  const missing = (['graph', 'endpoint', 'budget', 'method', 'trials'] as const)
    .filter((name) => values[name] === undefined)
    .map((name) => `--${name}`);
  if (!values.knob?.length) missing.push('--knob');
  if (!values.split && !values.tasks) missing.push('--split dev or --tasks');
  return missing;
}

/** What the options say, read without the store: a mistake in them is found before anything is opened. */
function checkUsage(values: CliValues<typeof SEARCH_CREATE.options>) {
  const missing = missingOf(values);
  if (missing.length > 0) throw new UsageError(`search create needs ${missing.join(', ')}`, CREATE);
  if (values.split && values.split !== 'dev') {
    throw new UsageError(
      `--split must be dev (a search never reads the test split), not '${values.split}'`,
      CREATE,
    );
  }
  if (!(SEARCH_METHODS as readonly string[]).includes(values.method!)) {
    throw new UsageError(`--method must be ${SEARCH_METHODS.join(', ')}, not '${values.method}'`, CREATE);
  }
  if (values.method === 'proposer' && !values.proposer) {
    throw new UsageError('--method proposer needs --proposer <endpoint>[/<model>]', CREATE);
  }
  const budget = Number(values.budget);
  if (!Number.isFinite(budget) || budget <= 0) {
    throw new UsageError(`--budget must be a positive number, not '${values.budget}'`, CREATE);
  }
  const seeds = list(values.seeds)?.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seeds: '${s}' is not a seed`, CREATE);
    return n;
  });
  return {
    knobs: knobsOf(values.knob!),
    compute: { budget, weights: weightsOf(values.weight ?? []) },
    trials: positiveInt(values.trials, 'trials', CREATE),
    batchSize: positiveInt(values.batch, 'batch', CREATE),
    repeats: positiveInt(values.repeats, 'repeats', CREATE),
    concurrencyPerEndpoint: positiveInt(values.concurrency, 'concurrency', CREATE),
    ...(seeds ? { seeds } : {}),
    ...(values.seed === undefined ? {} : { seed: Number(values.seed) }),
  };
}

/** The search request the options describe, graph and endpoints resolved in the store. */
async function requestOf(
  store: CliStore,
  values: CliValues<typeof SEARCH_CREATE.options>,
  { knobs, ...numbers }: ReturnType<typeof checkUsage>,
) {
  const ctx = store.ctx;
  const endpointId = await resolveEndpoint(values.endpoint!, ctx);
  const body = {
    ...(values.name ? { name: values.name } : {}),
    graphVersionId: (await loadGraph(values.graph!, ctx)).id,
    endpointId,
    ...(values.model ? { model: values.model } : {}),
    tasks: {
      ...(values.split ? { split: values.split } : {}),
      ...(values.tasks ? { ids: list(values.tasks) } : {}),
    },
    space: await spaceOf(knobs, (text, where) => modelChoice(text, ctx, endpointId, where)),
    method: values.method,
    ...(values.proposer ? { proposer: await endpointModel(values.proposer, ctx, '--proposer') } : {}),
    ...numbers,
  };
  const parsed = SearchRequest.safeParse(body);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error), CREATE);
  return parsed.data;
}

/** Endpoint names by id, read once for printing (an unknown id prints as itself). */
async function endpointNames(ctx: AppContext): Promise<(id: string) => string> {
  const names = new Map((await ctx.endpoints.list()).map((e) => [e.id as string, e.name]));
  return (id) => names.get(id) ?? id;
}

/** Works on a search here until it ends (or Ctrl-C), a line per trial, then prints its trials and the best. */
async function follow(store: CliStore, id: string, stopped: () => string | null): Promise<number> {
  const searches = searchService(store.ctx);
  const unfollow = searches.follow(id, (update) => {
    const line = trialLine(update);
    if (line !== null) console.log(line);
  });
  await searches.settled(id);
  unfollow?.();
  const search = (await searches.get(id))!;
  if (stopped() !== null) {
    console.log(
      `Stopped by ${stopped()}: ${search.trialsDone} of ${search.trialsRequested} trials done; resume with: trellis search run --id ${id}`,
    );
    return 130;
  }
  console.log('');
  for (const line of trialsTable(search)) console.log(line);
  console.log('');
  console.log(bestLine(search));
  if (search.refused > 0) console.log(`${search.refused} proposal(s) refused (not run).`);
  if (search.status !== 'finished') {
    console.log(`The search ${search.status}${search.stopReason ? `: ${search.stopReason}` : ''}.`);
  }
  return search.status === 'finished' ? 0 : 1;
}

async function create(argv: string[]): Promise<number> {
  const parsed = parseCommand(SEARCH_CREATE, argv);
  if (parsed.help) {
    console.log(usageOf(SEARCH_CREATE));
    return 0;
  }
  const { values } = parsed;
  const usage = checkUsage(values);
  return withStore(values['data-dir'], CREATE, async (store, stopped) => {
    const created = await searchService(store.ctx).create(await requestOf(store, values, usage));
    for (const line of describeSearch(created, await endpointNames(store.ctx))) console.log(line);
    return follow(store, created.id, stopped);
  });
}

async function runSearch(argv: string[]): Promise<number> {
  const parsed = parseCommand(SEARCH_RUN, argv);
  if (parsed.help) {
    console.log(usageOf(SEARCH_RUN));
    return 0;
  }
  const { values } = parsed;
  if (!values.id) throw new UsageError('search run needs --id', SEARCH_RUN.name);
  return withStore(values['data-dir'], SEARCH_RUN.name, async (store, stopped) => {
    const searches = searchService(store.ctx);
    const found = await searches.get(values.id!);
    if (!found) throw new DomainError('not_found', 'not_found', `search '${values.id}' does not exist`);
    if (found.status !== 'running') {
      console.log(`${found.name} (${found.id}) is ${found.status}; nothing to run.`);
      return found.status === 'finished' ? 0 : 1;
    }
    // The trials a stop left in flight are experiments of their own: take them up before the search waits on them.
    const inFlight = found.trials.filter((t) => t.status === 'running').map((t) => t.experimentId!);
    await experimentServices(store.ctx).experiments.resume(inFlight);
    await searches.resume([found.id]);
    for (const line of describeSearch((await searches.get(found.id))!, await endpointNames(store.ctx))) {
      console.log(line);
    }
    return follow(store, found.id, stopped);
  });
}

async function status(argv: string[]): Promise<number> {
  const parsed = parseCommand(SEARCH_STATUS, argv);
  if (parsed.help) {
    console.log(usageOf(SEARCH_STATUS));
    return 0;
  }
  const { values } = parsed;
  return withStore(values['data-dir'], SEARCH_STATUS.name, async (store) => {
    const searches = searchService(store.ctx);
    if (values.id) {
      const found = await searches.get(values.id);
      if (!found) throw new DomainError('not_found', 'not_found', `search '${values.id}' does not exist`);
      for (const line of describeSearch(found, await endpointNames(store.ctx))) console.log(line);
      if (found.trials.some((t) => t.status !== 'refused')) {
        console.log('');
        for (const line of trialsTable(found)) console.log(line);
      }
      return 0;
    }
    const all = await searches.list();
    for (const search of all) console.log(listLine(search));
    console.log(`${all.length} search${all.length === 1 ? '' : 'es'}`);
    return 0;
  });
}

/** `trellis search <subcommand>`. */
export async function search(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return create(rest);
  if (sub === 'run') return runSearch(rest);
  if (sub === 'status') return status(rest);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(usageOf(SEARCH));
    return 0;
  }
  throw new UsageError(`unknown subcommand '${sub}' (create, run or status)`, 'search');
}
