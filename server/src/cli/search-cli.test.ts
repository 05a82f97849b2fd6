import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_NOTICE } from '../experiments/export.ts';
import type { TestServer } from '../testserver/server.ts';
import { presetsByName, startSimulatedServer } from '../testserver/simulated/index.ts';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Finished {
  code: number | null;
  out: string;
  err: string;
}

describe('trellis search, as a process', () => {
  let simulated: TestServer;
  /** The same models served slowly enough to stop a search halfway. */
  let slow: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    const presets = presetsByName(['small', 'large']);
    simulated = await startSimulatedServer({ presets, seed: 7, timeScale: 0 });
    slow = await startSimulatedServer({ presets, seed: 7, timeScale: 0.05 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-search-cli-'));
  });
  afterAll(async () => {
    await simulated.close();
    await slow.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs the CLI in a child process (the simulated servers live in this one, so it must not block). */
  function start(args: string[]): { child: ChildProcess; finished: Promise<Finished>; out: () => string } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'search', ...args], {
      cwd: SERVER_DIR,
      env: { ...process.env, TRELLIS_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stderr!.on('data', (chunk) => {
      err += String(chunk);
    });
    const finished = new Promise<Finished>((resolve) =>
      child.once('close', (code) => resolve({ code, out, err })),
    );
    return { child, finished, out: () => out };
  }
  const trellis = (...args: string[]) => start(args).finished;

  const searchId = (out: string) => /\((srch_\w+)\)/.exec(out)?.[1];
  /** A search of the agent's model and output cap on two dev tasks, on the given server. */
  const create = (url: string, ...more: string[]) => [
    'create',
    '--graph',
    'three-roles',
    '--endpoint',
    url,
    '--model',
    'simulated-small',
    '--tasks',
    'notes_pin_1,todo_complete_1',
    '--seeds',
    '7',
    '--knob',
    `agent.model=simulated-small,${url}/simulated-large`,
    '--knob',
    'agent.maxOutputTokens=512,1536',
    '--weight',
    'simulated-large=4,4',
    '--budget',
    '20000',
    ...more,
  ];

  it('runs a search with a line per trial within the budget, then prints the trials and the best', async () => {
    // Declared costs: small 512 + 512 + 1024 = 2,048 or 3,072; large 4 × 512 + 1,536 = 3,584 or 7,680.
    const ran = await trellis(
      ...create(simulated.url, '--budget', '5000', '--method', 'random', '--trials', '4', '--batch', '2'),
    );
    expect(ran.err).toBe('');
    expect(ran.code, ran.out).toBe(0);
    const id = searchId(ran.out)!;
    expect(id).toBeTruthy();
    expect(ran.out).toContain(SIMULATED_NOTICE);
    expect(ran.out).toContain(
      'space: agent.model ∈ {simulated-small on cli ' +
        simulated.url +
        ', simulated-large on cli ' +
        simulated.url +
        '}',
    );
    const progress = ran.out.split('\n').filter((line) => /^\[\d\/4\] #\d /.test(line));
    // Three of the four fit the budget: random search runs those and ends there.
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toMatch(
      /^\[3\/4\] #\d agent: simulated-\w+, \d+ tok: done, dev TGC [\d.]+ \[[\d.]+, [\d.]+\] \(\d\/2\), compute [\d,]+ · best [\d.]+ \(#\d\) · [\d.]+ trials\/min/,
    );
    expect(ran.out).toMatch(/\| # \| Allocation \| Dev TGC \| Compute per run \| Status \|/);
    expect(ran.out.match(/^\| \d( \*)? \| agent: /gm)).toHaveLength(3);
    expect(ran.out).not.toContain('simulated-large, 1536 tok');
    expect(ran.out).toMatch(/^Best: #\d agent: simulated-\w+, \d+ tok — dev TGC /m);

    const [listed, shown] = await Promise.all([trellis('status'), trellis('status', '--id', id)]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(
        `^${id}\\s+finished\\s+3/4\\s+best [\\d.]+ +random search on Three roles \\(simulated\\)$`,
        'm',
      ),
    );
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(new RegExp(`^random search on Three roles \\(${id}\\) — finished`));
    expect(shown.out).toContain('3/4 trials done, 0 refused, best');
    expect(shown.out.match(/^\| \d( \*)? \| agent: /gm)).toHaveLength(3);
  }, 120_000);

  it('leaves a search stopped by Ctrl-C to resume, and search run finishes it', async () => {
    const started = start(create(slow.url, '--method', 'bayesian', '--trials', '2', '--batch', '1'));
    while (!/: running$/m.test(started.out())) await new Promise((resolve) => setTimeout(resolve, 20));
    started.child.kill('SIGINT');
    const stopped = await started.finished;
    expect(stopped.code, stopped.err).toBe(130);
    const id = searchId(stopped.out)!;
    expect(stopped.out).toContain(
      `Stopped by Ctrl-C: 0 of 2 trials done; resume with: trellis search run --id ${id}`,
    );

    const resumed = await trellis('run', '--id', id);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/^\[2\/2\] #\d /m);
    expect(resumed.out).toMatch(/^Best: #\d /m);
    const again = await trellis('run', '--id', id);
    expect(again.out).toContain(`(${id}) is finished; nothing to run.`);
  }, 120_000);

  it('refuses bad usage with exit 2 and one line naming it', async () => {
    const url = simulated.url;
    const usage: [string[], string][] = [
      [
        ['create', '--graph', 'three-roles'],
        'trellis: search create needs --endpoint, --budget, --method, --trials, --knob, --split dev or --tasks (see: trellis search create --help)\n',
      ],
      [
        [...create(url, '--method', 'random', '--trials', '2'), '--split', 'test'],
        "trellis: --split must be dev (a search never reads the test split), not 'test' (see: trellis search create --help)\n",
      ],
      [
        [...create(url, '--method', 'random', '--trials', '2'), '--knob', 'agent.modle=x'],
        "trellis: --knob 'agent.modle=x': no knob 'modle'; knobs: model, maxOutputTokens, thinking, temperature, summarizerThreshold, keepLastTurns, correctorTrigger (see: trellis search create --help)\n",
      ],
      [
        [...create(url, '--method', 'random', '--trials', '2'), '--weight', 'simulated-large=4'],
        "trellis: --weight 'simulated-large=4' must look like <model>=<in>,<out>, e.g. big-32b=4,4 (see: trellis search create --help)\n",
      ],
      [
        create(url, '--method', 'proposer', '--trials', '2'),
        'trellis: --method proposer needs --proposer <endpoint>[/<model>] (see: trellis search create --help)\n',
      ],
      [
        ['frobnicate'],
        "trellis: unknown subcommand 'frobnicate' (create, run or status) (see: trellis search --help)\n",
      ],
    ];
    // Refused by the search service once the store is open.
    const refused: [string[], string][] = [
      [
        [...create(url, '--method', 'random', '--trials', '2'), '--budget', '1000'],
        'trellis: the budget of 1,000 is below one trial: the cheapest allocation declares 2,048\n',
      ],
    ];
    // Mistakes found before the store is opened run side by side; the others one at a time.
    const results = await Promise.all(usage.map(([args]) => trellis(...args)));
    for (const [args] of refused) results.push(await trellis(...args));
    const cases = [...usage, ...refused];
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toBe(message);
    });
  }, 120_000);
});
