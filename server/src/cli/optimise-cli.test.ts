import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptimiserRoundLine } from '@trellis/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATED_NOTICE } from '../experiments/export.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
import { presetsByName, startSimulatedServer } from '../testserver/simulated/index.ts';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Finished {
  code: number | null;
  out: string;
  err: string;
}

/** The meta-agent's requests, told apart from the runs' by its system prompt. */
const META = { system: 'You improve a scaffold' };
/** A corrector between the agent and the executor: the simulated model's API misuse gets repaired. */
const CORRECTOR = JSON.stringify({
  analysis: 'the code misuses the APIs',
  label: 'add a corrector',
  graph: {
    nodes: [
      { id: 'agent', kind: 'agent' },
      { id: 'corrector', kind: 'corrector', label: 'Corrector' },
      { id: 'executor', kind: 'executor' },
    ],
    edges: [
      { id: 'agent->corrector', from: 'agent', to: 'corrector', when: { type: 'always' } },
      { id: 'corrector->executor', from: 'corrector', to: 'executor', when: { type: 'always' } },
    ],
  },
});
const COOLER = JSON.stringify({
  analysis: 'the agent is too random',
  label: 'cooler agent',
  settings: { agent: { 'llm.params.temperature': 0.2 } },
});

describe('trellis optimise, as a process', () => {
  let simulated: TestServer;
  /** The same model served slowly enough to stop an optimisation halfway. */
  let slow: TestServer;
  /** The meta-agent: a scripted model that answers each round with the reply queued for it. */
  let meta: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    const presets = presetsByName(['small']);
    simulated = await startSimulatedServer({ presets, seed: 7, timeScale: 0 });
    slow = await startSimulatedServer({ presets, seed: 7, timeScale: 0.05 });
    meta = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-optimise-cli-'));
  });
  beforeEach(() => meta.reset());
  afterAll(async () => {
    await simulated.close();
    await slow.close();
    await meta.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs the CLI in a child process (the model servers live in this one, so it must not block). */
  function start(args: string[]): { child: ChildProcess; finished: Promise<Finished>; out: () => string } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'optimise', ...args], {
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

  const optimisationId = (out: string) => /\((opt_\w+)\)/.exec(out)?.[1];
  /** An optimisation of the ReAct baseline on three dev tasks, run on the given server. */
  const create = (url: string, ...more: string[]) => [
    'create',
    '--graph',
    'react-baseline',
    '--endpoint',
    url,
    '--model',
    'simulated-small',
    '--tasks',
    'notes_pin_1,todo_complete_1,music_like_song_1',
    '--seeds',
    '7',
    '--meta',
    `${meta.url}/qwen3-8b`,
    ...more,
  ];

  it('runs an optimisation with a line per round, then prints the rounds and the best; status and export show it', async () => {
    meta.script([
      { match: META, reply: { content: 'A corrector would help.' } },
      { match: META, reply: { content: CORRECTOR } },
      { match: META, reply: { content: COOLER } },
    ]);
    const ran = await trellis(...create(simulated.url, '--rounds', '2', '--name', 'two rounds'));
    expect(ran.err).toBe('');
    expect(ran.code, ran.out).toBe(0);
    const id = optimisationId(ran.out)!;
    expect(id).toBeTruthy();
    expect(ran.out).toContain(SIMULATED_NOTICE);
    expect(ran.out).toMatch(/on 3 dev tasks × 1 repeat\(s\), seeds 7; meta-agent qwen3-8b on /);
    expect(meta.requests().filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(3);

    const lines = ran.out.split('\n');
    // The reply that is no proposal is sent back once, as a repair.
    expect(lines).toContain('  round 1/2: proposing again (repair 1)');
    expect(lines).toContain('  round 1/2: scoring "add a corrector" (valid after 1 repair) on the dev tasks');
    const rounds = lines.filter((line) => /^\[\d\/2\] round \d /.test(line));
    expect(rounds).toHaveLength(3);
    expect(rounds[0]).toMatch(
      /^\[0\/2\] round 0 "starting graph": dev TGC [\d.]+ \[[\d.]+, [\d.]+\] \(\d\/3\), cost [\d,]+ tok\/run · best [\d.]+ \(round 0\) · [\d.]+ rounds\/min · ETA /,
    );
    expect(rounds[1]).toMatch(
      /^\[1\/2\] round 1 "add a corrector": valid after 1 repair, dev TGC [\d.]+ \[[\d.]+, [\d.]+\] \(\d\/3\), cost [\d,]+ tok\/run, reward [\d.]+ · best [\d.]+ \(round \d\) · [\d.]+ rounds\/min/,
    );
    expect(rounds[2]).toMatch(/^\[2\/2\] round 2 "cooler agent": valid after 0 repairs, dev TGC .*, reward /);
    expect(ran.out).toContain(
      '| Round | Parent | Label | Status | Repairs | Dev TGC | Tokens per run | Reward |',
    );
    const rows = ran.out.match(/^\| \d( \*)? \| .*\|$/gm)!;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\| 0( \*)? \| — \| starting graph \| evaluated \| — \| /);
    expect(rows[1]).toMatch(/^\| 1( \*)? \| 0 \| add a corrector \| evaluated \| 1 \| /);
    expect(rows.filter((row) => row.includes(' * |'))).toHaveLength(1);
    expect(ran.out).toMatch(/^Best: round \d "[^"]+" .*— dev TGC .*; version gv_\w+$/m);

    const [listed, shown] = await Promise.all([trellis('status'), trellis('status', '--id', id)]);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(`^${id}\\s+finished\\s+2/2\\s+best [\\d.]+ +two rounds \\(simulated\\)$`, 'm'),
    );
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(new RegExp(`^two rounds \\(${id}\\) — finished — ${SIMULATED_NOTICE}`));
    expect(shown.out.match(/^\| \d( \*)? \| .*\|$/gm)).toEqual(rows);

    const file = path.join(dataDir, 'rounds.jsonl');
    const [written, printed] = await Promise.all([
      trellis('export', '--id', id, '--out', file),
      trellis('export', '--id', id),
    ]);
    expect(written.code, written.err).toBe(0);
    expect(written.out).toBe(`wrote 2 rounds to ${file} (${SIMULATED_NOTICE})\n`);
    const text = fs.readFileSync(file, 'utf8');
    expect(printed.out).toBe(text);
    const exported = text
      .trimEnd()
      .split('\n')
      .map((line) => OptimiserRoundLine.parse(JSON.parse(line)));
    expect(exported.map((line) => [line.round, line.proposal.label, line.repairs, line.simulated])).toEqual([
      [1, 'add a corrector', 1, true],
      [2, 'cooler agent', 0, true],
    ]);
    expect(exported.every((line) => line.optimisationId === id)).toBe(true);
  }, 120_000);

  it('leaves an optimisation stopped by Ctrl-C to resume, and optimise run finishes it', async () => {
    meta.script({ match: META, reply: { content: COOLER } });
    const started = start(create(slow.url, '--rounds', '1'));
    let ended = false;
    void started.finished.then(() => {
      ended = true;
    });
    while (!ended && !/scoring the starting graph/.test(started.out())) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    started.child.kill('SIGINT');
    const stopped = await started.finished;
    expect(stopped.code, stopped.err).toBe(130);
    const id = optimisationId(stopped.out)!;
    expect(stopped.out).toContain(
      `Stopped by Ctrl-C: 0 of 1 rounds done; resume with: trellis optimise run --id ${id}`,
    );

    const resumed = await trellis('run', '--id', id);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/^\[0\/1\] round 0 "starting graph": /m);
    expect(resumed.out).toMatch(/^\[1\/1\] round 1 "cooler agent": valid after 0 repairs, /m);
    expect(resumed.out).toMatch(/^Best: round \d /m);
    const again = await trellis('run', '--id', id);
    expect(again.out).toContain(`(${id}) is finished; nothing to run.`);
  }, 120_000);

  it('refuses bad usage with exit 2 and one line naming it', async () => {
    const url = simulated.url;
    const help = '(see: trellis optimise create --help)';
    const usage: [string[], string][] = [
      [
        ['create', '--graph', 'react-baseline'],
        `trellis: optimise create needs --endpoint, --meta, --split dev or --tasks ${help}\n`,
      ],
      [
        [...create(url), '--split', 'test'],
        `trellis: --split must be dev (an optimisation never reads the test split), not 'test' ${help}\n`,
      ],
      [[...create(url), '--rounds', '0'], `trellis: --rounds must be a positive integer, not '0' ${help}\n`],
      [[...create(url), '--rounds', '31'], `trellis: rounds: Too big: expected number to be <=30 ${help}\n`],
      [
        [...create(url), '--failures', 'some'],
        `trellis: --failures must be a whole number, not 'some' ${help}\n`,
      ],
      [[...create(url), '--repeats', '2'], `trellis: seeds: give one seed per repeat ${help}\n`],
      [[...create(url), '--rouns', '2'], `trellis: unknown option '--rouns' for 'optimise create' ${help}\n`],
      [['run'], 'trellis: optimise run needs --id (see: trellis optimise run --help)\n'],
      [
        ['export', '--out', 'x.jsonl'],
        'trellis: optimise export needs --id (see: trellis optimise export --help)\n',
      ],
      [
        ['frobnicate'],
        "trellis: unknown subcommand 'frobnicate' (create, run, status or export) (see: trellis optimise --help)\n",
      ],
    ];
    // Refused once the store is open.
    const refused: [string[], string][] = [
      [['status', '--id', 'opt_nope'], "trellis: optimisation 'opt_nope' does not exist\n"],
      [
        [...create(url).slice(0, -2), '--meta', meta.url],
        `trellis: --meta '${meta.url}' names no model and endpoint 'cli ${meta.url}' has no default model; give <endpoint>/<model>\n`,
      ],
      [
        [...create(url), '--tasks', 'notes_pin_1,no_such_task'],
        expect.stringMatching(/^trellis: .*no_such_task.*\n$/),
      ] as unknown as [string[], string],
    ];
    // Mistakes found before the store is opened run side by side; the others one at a time.
    const results = await Promise.all(usage.map(([args]) => trellis(...args)));
    for (const [args] of refused) results.push(await trellis(...args));
    const cases = [...usage, ...refused];
    results.forEach((result, i) => {
      const [args, message] = cases[i]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toEqual(message);
    });
    expect(meta.requests()).toHaveLength(0);
  }, 120_000);
});
