import fs from 'node:fs';
import {
  ablationArms,
  describeZodError,
  type Experiment,
  type ExperimentArmRequest,
  type ExperimentProgress,
  ExperimentRequest,
  formatDuration,
  PRESET_IDS,
} from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import { SIMULATED_NOTICE, toCsv, toJson, toMarkdown } from '../experiments/export.ts';
import { experimentServices } from '../experiments/services.ts';
import { type CliValues, parseCommand, UsageError, usageOf } from './args.ts';
import {
  EXPERIMENT,
  EXPERIMENT_CREATE,
  EXPERIMENT_REPORT,
  EXPERIMENT_RUN,
  EXPERIMENT_STATUS,
} from './experiment-commands.ts';
import { positiveInt } from './replay-commands.ts';
import { type CliStore, resolveEndpoint, withStore } from './setup.ts';

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A progress line: a bar, done of total, running, errored, rate and time left. */
export function formatExperimentProgress(p: ExperimentProgress, width = 24): string {
  const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = p.ratePerMinute === null ? '' : ` · ${p.ratePerMinute.toFixed(1)} runs/min`;
  const eta = p.etaMs === null || p.done === p.total ? '' : ` · ETA ${formatDuration(p.etaMs)}`;
  const budget =
    p.tokenBudget === null
      ? ''
      : ` · ${p.tokensUsed.toLocaleString('en-US')}/${p.tokenBudget.toLocaleString('en-US')} tokens`;
  return `${bar} ${p.done}/${p.total} done, ${p.running} running, ${p.succeeded} succeeded, ${p.errored} errored${rate}${eta}${budget}`;
}

/** Draws progress on one line on a terminal; elsewhere prints a line at most every few seconds and at the end. */
function progressPrinter(): { update(p: ExperimentProgress): void; done(): void } {
  const tty = process.stdout.isTTY === true;
  let last = 0;
  let drawn = false;
  let printed = '';
  return {
    update(p) {
      const now = Date.now();
      const line = formatExperimentProgress(p);
      if (tty) {
        process.stdout.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else if (p.done !== p.total ? now - last >= 5_000 : !printed.startsWith(line.split(' · ')[0]!)) {
        console.log(line);
        printed = line;
        last = now;
      }
    },
    done() {
      if (tty && drawn) process.stdout.write('\n');
    },
  };
}

function armOf(spec: string, command: string): ExperimentArmRequest {
  const at = spec.indexOf('=');
  const label = at > 0 ? spec.slice(0, at) : undefined;
  const target = at > 0 ? spec.slice(at + 1) : spec;
  if (!target) throw new UsageError(`--arm '${spec}' names no graph`, command);
  const arm: ExperimentArmRequest = (PRESET_IDS as readonly string[]).includes(target)
    ? { preset: target as (typeof PRESET_IDS)[number] }
    : { graphVersionId: target };
  return label ? { ...arm, label } : arm;
}

async function requestOf(store: CliStore, values: CliValues<typeof EXPERIMENT_CREATE.options>) {
  const command = EXPERIMENT_CREATE.name;
  if (!values.ablation && !values.arm?.length) {
    throw new UsageError('give --ablation or at least one --arm', command);
  }
  const binding = {
    ...(values.endpoint ? { endpointId: await resolveEndpoint(values.endpoint, store.ctx) } : {}),
    ...(values.model ? { model: values.model } : {}),
  };
  const arms = [
    ...(values.ablation ? ablationArms(binding) : []),
    ...(values.arm ?? []).map((spec) => ({ ...armOf(spec, command), ...binding })),
  ];
  const repeats = positiveInt(values.repeats, 'repeats', command);
  const seeds = list(values.seeds)?.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seeds: '${s}' is not a seed`, command);
    return n;
  });
  const difficulty = list(values.difficulty)?.map(Number);
  const body = {
    ...(values.name ? { name: values.name } : {}),
    arms,
    tasks: {
      ...(values.split ? { split: values.split } : {}),
      ...(difficulty ? { difficulty } : {}),
      ...(values.apps ? { apps: list(values.apps) } : {}),
      ...(values.scenarios ? { scenarios: list(values.scenarios) } : {}),
      ...(values.tasks ? { ids: list(values.tasks) } : {}),
    },
    repeats,
    ...(seeds ? { seeds } : {}),
    limits: {
      concurrencyPerEndpoint: positiveInt(values.concurrency, 'concurrency', command),
      tokenBudget: values.budget === undefined ? null : Number(values.budget),
    },
    baselineArm: positiveInt(values.baseline, 'baseline', command) - 1,
  };
  const parsed = ExperimentRequest.safeParse(body);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error), command);
  return parsed.data;
}

/** Works on an experiment here until it ends (or Ctrl-C), then prints its table. */
async function follow(store: CliStore, id: string, stopped: () => string | null): Promise<number> {
  const { experiments, report } = experimentServices(store.ctx);
  const printer = progressPrinter();
  experiments.follow(id, (update) => printer.update(update.progress));
  await experiments.settled(id);
  const done = (await experiments.get(id))!;
  printer.update(done.progress);
  printer.done();
  if (stopped() !== null) {
    console.log(
      `Stopped by ${stopped()}: ${done.progress.done} of ${done.progress.total} done; resume with: trellis experiment run --id ${id}`,
    );
    return 130;
  }
  console.log('');
  console.log(toMarkdown(done, await report(id)));
  if (done.stopReason) console.log(`Stopped early: ${done.stopReason}.`);
  if (done.progress.errored > 0) {
    console.log(
      `${done.progress.errored} run(s) errored; run them again with: trellis experiment run --id ${id} --rerun-errored`,
    );
  }
  return done.status === 'finished' ? 0 : 1;
}

function describe(experiment: Experiment): string[] {
  return [
    `${experiment.name} (${experiment.id}) — ${experiment.status}${experiment.stopReason ? `: ${experiment.stopReason}` : ''}${experiment.simulated ? ` — ${SIMULATED_NOTICE}` : ''}`,
    `  arms: ${experiment.arms.map((a) => `${a.label}${a.index === experiment.baselineArm ? ' (baseline)' : ''}`).join(', ')}`,
    `  ${experiment.taskCount} tasks × ${experiment.repeats} repeat(s) × ${experiment.arms.length} arm(s), seeds ${experiment.seeds.join(', ')}, ${experiment.limits.concurrencyPerEndpoint} per endpoint${experiment.limits.tokenBudget === null ? '' : `, budget ${experiment.limits.tokenBudget.toLocaleString('en-US')} tokens`}`,
    `  ${formatExperimentProgress(experiment.progress)}`,
  ];
}

async function create(argv: string[]): Promise<number> {
  const parsed = parseCommand(EXPERIMENT_CREATE, argv);
  if (parsed.help) {
    console.log(usageOf(EXPERIMENT_CREATE));
    return 0;
  }
  const { values } = parsed;
  return withStore(values['data-dir'], EXPERIMENT_CREATE.name, async (store, stopped) => {
    const { experiments } = experimentServices(store.ctx);
    const request = await requestOf(store, values);
    const created = await experiments.create(request, { start: !values.detach });
    for (const line of describe(created)) console.log(line);
    if (values.detach) {
      console.log(`Created; run it with: trellis experiment run --id ${created.id}`);
      return 0;
    }
    return follow(store, created.id, stopped);
  });
}

async function runExperiment(argv: string[]): Promise<number> {
  const parsed = parseCommand(EXPERIMENT_RUN, argv);
  if (parsed.help) {
    console.log(usageOf(EXPERIMENT_RUN));
    return 0;
  }
  const { values } = parsed;
  if (!values.id) throw new UsageError('experiment run needs --id', EXPERIMENT_RUN.name);
  return withStore(values['data-dir'], EXPERIMENT_RUN.name, async (store, stopped) => {
    const { experiments } = experimentServices(store.ctx);
    const found = await experiments.get(values.id!);
    if (!found) throw new DomainError('not_found', 'not_found', `experiment '${values.id}' does not exist`);
    if (values['rerun-errored']) {
      await experiments.rerunErrored(found.id);
    } else if (found.status === 'running') {
      await experiments.resume([found.id]);
    } else {
      console.log(`${found.name} (${found.id}) is ${found.status}; nothing to run.`);
      return found.status === 'finished' ? 0 : 1;
    }
    for (const line of describe((await experiments.get(found.id))!)) console.log(line);
    return follow(store, found.id, stopped);
  });
}

async function status(argv: string[]): Promise<number> {
  const parsed = parseCommand(EXPERIMENT_STATUS, argv);
  if (parsed.help) {
    console.log(usageOf(EXPERIMENT_STATUS));
    return 0;
  }
  const { values } = parsed;
  return withStore(values['data-dir'], EXPERIMENT_STATUS.name, async (store) => {
    const { experiments } = experimentServices(store.ctx);
    if (values.id) {
      const found = await experiments.get(values.id);
      if (!found) throw new DomainError('not_found', 'not_found', `experiment '${values.id}' does not exist`);
      for (const line of describe(found)) console.log(line);
      return 0;
    }
    const all = await experiments.list();
    for (const e of all) {
      console.log(
        `${e.id}  ${e.status.padEnd(9)} ${String(e.done).padStart(5)}/${String(e.total).padEnd(5)} ${e.name}${e.simulated ? ' (simulated)' : ''}`,
      );
    }
    console.log(`${all.length} experiment${all.length === 1 ? '' : 's'}`);
    return 0;
  });
}

async function report(argv: string[]): Promise<number> {
  const parsed = parseCommand(EXPERIMENT_REPORT, argv);
  if (parsed.help) {
    console.log(usageOf(EXPERIMENT_REPORT));
    return 0;
  }
  const { values } = parsed;
  if (!values.id) throw new UsageError('experiment report needs --id', EXPERIMENT_REPORT.name);
  if (!['md', 'csv', 'json'].includes(values.format ?? 'md')) {
    throw new UsageError(`--format must be md, csv or json, not '${values.format}'`, EXPERIMENT_REPORT.name);
  }
  return withStore(values['data-dir'], EXPERIMENT_REPORT.name, async (store) => {
    const services = experimentServices(store.ctx);
    const summary = await services.experiments.found(values.id!);
    const text =
      values.format === 'csv'
        ? toCsv(summary, await services.repo.outcomes(summary.id))
        : values.format === 'json'
          ? `${JSON.stringify(toJson(summary, await services.repo.outcomes(summary.id), await services.report(summary.id)), null, 2)}\n`
          : toMarkdown(summary, await services.report(summary.id));
    if (values.out) {
      fs.writeFileSync(values.out, text);
      console.log(`wrote ${values.out}${summary.simulated ? ` (${SIMULATED_NOTICE})` : ''}`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  });
}

/** `trellis experiment <subcommand>`. */
export async function experiment(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return create(rest);
  if (sub === 'run') return runExperiment(rest);
  if (sub === 'status') return status(rest);
  if (sub === 'report') return report(rest);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(usageOf(EXPERIMENT));
    return 0;
  }
  throw new UsageError(`unknown subcommand '${sub}' (create, run, status or report)`, 'experiment');
}
