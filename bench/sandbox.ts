/**
 * The Pyodide sandbox: warm latency of one step that makes one API call, worker cold start (lazy and eager),
 * resident memory per worker, and wall time for 64 concurrent tasks of 20 steps each against a fake world.
 *
 *   node --import tsx bench/sandbox.ts            (or: pnpm bench:sandbox)
 */
import os from 'node:os';
import { createFakeWorld } from '../server/src/sandbox/fake-world.ts';
import { createSandboxPool } from '../server/src/sandbox/index.ts';

const WARM_STEPS = 2000;
const COLD_STARTS = 3;
const TASKS = 64;
const STEPS_PER_TASK = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(0);
}

const rows: [string, string][] = [];

async function warmLatency(): Promise<void> {
  const pool = createSandboxPool({ size: 1, onApiCall: createFakeWorld().onApiCall });
  try {
    await pool.warm();
    const session = pool.openSession('warm');
    for (const [label, code] of [
      ['warm step, no API call (x = 1)', 'x = 1'],
      ['warm step, one API call (apis.echo.say(n=1))', 'r = apis.echo.say(n=1)'],
    ] as const) {
      for (let i = 0; i < 200; i++) await session.execute(code);
      const wall: number[] = [];
      for (let i = 0; i < WARM_STEPS; i++) {
        const started = performance.now();
        const result = await session.execute(code);
        wall.push(performance.now() - started);
        if (!result.ok) throw new Error(result.observation);
      }
      wall.sort((a, b) => a - b);
      rows.push([
        `${label}: p50 / p95 / p99`,
        `${ms(percentile(wall, 50))} / ${ms(percentile(wall, 95))} / ${ms(percentile(wall, 99))} ms`,
      ]);
    }
    const rss = pool.stats().workers[0]?.rssMb;
    rows.push(['resident memory of one warm worker (RSS)', `${rss} MB`]);
  } finally {
    await pool.close();
  }
}

async function coldStart(): Promise<void> {
  const lazy: number[] = [];
  const ready: number[] = [];
  const phases: Record<string, number[]> = {};
  for (let i = 0; i < COLD_STARTS; i++) {
    const pool = createSandboxPool({ size: 1, onApiCall: createFakeWorld().onApiCall });
    const started = performance.now();
    const result = await pool.openSession('cold').execute('print(1)');
    lazy.push(performance.now() - started);
    if (!result.ok) throw new Error(result.observation);
    const worker = pool.stats().workers[0];
    ready.push(worker?.startMs ?? Number.NaN);
    for (const [phase, value] of Object.entries(worker?.startPhasesMs ?? {})) {
      phases[phase] = [...(phases[phase] ?? []), value];
    }
    await pool.close();
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  rows.push([`worker cold start, spawn to ready (mean of ${COLD_STARTS})`, `${ms(mean(ready))} ms`]);
  rows.push([
    '  of which, in the interpreter thread',
    Object.entries(phases)
      .map(([phase, values]) => `${phase} ${ms(mean(values))} ms`)
      .join(', '),
  ]);
  rows.push([`first step on a lazily started pool (mean of ${COLD_STARTS})`, `${ms(mean(lazy))} ms`]);

  const size = os.availableParallelism();
  const pool = createSandboxPool({ size, onApiCall: createFakeWorld().onApiCall });
  const started = performance.now();
  await pool.warm();
  rows.push([`eager warm() of ${size} workers at once`, `${ms(performance.now() - started)} ms`]);
  await pool.close();
}

async function concurrentTasks(): Promise<void> {
  const size = os.availableParallelism();
  const pool = createSandboxPool({ size, onApiCall: createFakeWorld().onApiCall });
  try {
    await pool.warm();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: TASKS }, async (_, task) => {
        const session = pool.openSession(`task-${task}`);
        await session.execute('token = apis.auth.login(username="ada", password="hunter2")["access_token"]');
        for (let step = 1; step < STEPS_PER_TASK; step++) {
          const result = await session.execute(
            `r = apis.notes.add(access_token=token, text="step ${step}")\nprint(r["text"], apis.auth.whoami(access_token=token)["username"])`,
          );
          if (!result.ok) throw new Error(result.observation);
        }
        session.close();
      }),
    );
    const wall = performance.now() - started;
    const steps = TASKS * STEPS_PER_TASK;
    rows.push([
      `${TASKS} concurrent tasks x ${STEPS_PER_TASK} steps (2 API calls each), ${size} warm workers`,
      `${ms(wall)} ms wall (${Math.round(steps / (wall / 1000))} steps/s)`,
    ]);
    const rss = pool.stats().workers.map((w) => w.rssMb);
    rows.push(['RSS per worker after the concurrent run', `${rss.join(' / ')} MB`]);
  } finally {
    await pool.close();
  }
}

await warmLatency();
await coldStart();
await concurrentTasks();

const width = Math.max(...rows.map(([name]) => name.length));
const load = os
  .loadavg()
  .map((value) => value.toFixed(1))
  .join(' ');
console.log(
  `Sandbox benchmark: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} CPUs, ` +
    `load average at the end ${load}`,
);
console.log(`${'measure'.padEnd(width)}  result`);
console.log(`${'-'.repeat(width)}  ------`);
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
