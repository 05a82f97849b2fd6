import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/db.ts';
import { RunRepo } from '../store/runs.ts';
import { pythonBlock, task } from '../testing/run.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
import { presetsByName, startSimulatedServer } from '../testserver/simulated/index.ts';
import { main } from './main.ts';

describe('headless CLI', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-cli-'));
    process.env.TRELLIS_DATA_DIR = dataDir;
  });
  afterAll(async () => {
    delete process.env.TRELLIS_DATA_DIR;
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
    try {
      const code = await main(argv);
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  it('runs a preset on tasks and prints the trace step by step with progress', async () => {
    for (const id of ['notes_pin_1', 'notes_pin_2']) {
      server.script({
        match: { system: 'You are an agent', contains: task(id).instruction },
        reply: { content: pythonBlock(task(id).solution) },
      });
    }
    const { code, out } = await capture([
      'run',
      '--graph',
      'react-baseline',
      '--task',
      'notes_pin_1,notes_pin_2',
      '--endpoint',
      server.url,
      '--model',
      'qwen3-8b',
    ]);
    expect(out).toContain('[notes_pin_1] step 1');
    expect(out).toMatch(/agent\s+\d+ tok in/);
    expect(out).toContain('progress: 2/2 runs finished');
    expect(out).toMatch(/\[notes_pin_1\] SUCCEEDED after 1 steps/);
    expect(out).toContain('2/2 tasks succeeded. Runs:');
    expect(out).not.toContain('SIMULATED');
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'trellis.db'))).toBe(true);
  });

  it('runs with the seed it is given, so a run can be repeated exactly', async () => {
    server.script({
      repeat: true,
      match: { system: 'You are an agent' },
      reply: { content: 'no code today' },
    });
    const argv = ['run', '--graph', 'react-baseline', '--task', 'notes_pin_1', '--endpoint', server.url];
    const { out } = await capture([...argv, '--model', 'qwen3-8b', '--seed', '4242', '--quiet']);
    const runId = /Runs: (run_\w+)/.exec(out)?.[1];
    const db = await openStore(path.join(dataDir, 'trellis.db'));
    try {
      expect((await new RunRepo(db).get(runId!))?.seed).toBe(4242);
    } finally {
      await db.close();
    }
    server.reset();
  });

  it('says SIMULATED when the runs call the simulated model, also when quiet', async () => {
    const simulated = await startSimulatedServer({
      presets: presetsByName(['small']),
      seed: 7,
      timeScale: 0,
    });
    try {
      const { out } = await capture([
        'run',
        '--graph',
        'three-roles',
        '--task',
        'notes_pin_1,notes_pin_2',
        '--endpoint',
        simulated.url,
        '--model',
        'simulated-small',
        '--quiet',
      ]);
      expect(out.match(/^SIMULATED: simulated-small is the simulated model/gm)).toHaveLength(1);
      expect(out).toMatch(/tasks succeeded \(SIMULATED model simulated-small: not a real model's results\)/);
    } finally {
      await simulated.close();
    }
  });

  it('names what is wrong with its arguments', async () => {
    const missing = await capture(['run', '--graph', 'react-baseline']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--task');
    const badTask = await capture([
      'run',
      '--graph',
      'react-baseline',
      '--task',
      'nope_1',
      '--endpoint',
      server.url,
    ]);
    expect(badTask.code).toBe(2);
    expect(badTask.err).toContain("unknown task 'nope_1'");
    const badGraph = await capture([
      'run',
      '--graph',
      'no-such-preset',
      '--task',
      'notes_pin_1',
      '--endpoint',
      server.url,
    ]);
    expect(badGraph.err).toContain('not a preset');
  });

  it.each(['run', 'tasks', 'presets'])('answers %s --help and -h with its usage', async (command) => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await capture([command, flag]);
      expect(code).toBe(0);
      expect(out).toContain(`Usage: trellis ${command}`);
      expect(out).toContain('-h, --help');
      expect(err).toBe('');
    }
  });

  it('describes every option of run in its usage', async () => {
    const { out } = await capture(['run', '--help']);
    for (const option of [
      '--graph',
      '--task',
      '--endpoint',
      '--model',
      '--concurrency',
      '--data-dir',
      '--quiet',
    ]) {
      expect(out).toContain(option);
    }
  });

  it('answers help at the top level, and help for a command', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const { code, out } = await capture(argv);
      expect(code).toBe(0);
      expect(out).toMatch(/trellis run .*\n\s+trellis tasks .*\n\s+trellis presets/);
    }
    const about = await capture(['help', 'tasks']);
    expect(about.code).toBe(0);
    expect(about.out).toContain('Usage: trellis tasks');
  });

  it('gives help when asked even beside a mistake', async () => {
    const { code, out } = await capture(['run', '--bogus', '--graph', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: trellis run');
  });

  it.each([
    [['run', '--foo'], "trellis: unknown option '--foo' for 'run' (see: trellis run --help)"],
    [['tasks', '-x'], "trellis: unknown option '-x' for 'tasks' (see: trellis tasks --help)"],
    [['presets', '--all'], "trellis: unknown option '--all' for 'presets' (see: trellis presets --help)"],
    [['--verbose'], "trellis: unknown option '--verbose' (see: trellis --help)"],
    [['runn'], "trellis: unknown command 'runn' (see: trellis --help)"],
    [['help', 'runn'], "trellis: unknown command 'runn' (see: trellis --help)"],
    [['run', '--graph'], "trellis: option '--graph' of 'run' needs a value (see: trellis run --help)"],
    [['run', '--quiet=yes'], "trellis: option '--quiet' of 'run' takes no value (see: trellis run --help)"],
    [['presets', 'all'], "trellis: unexpected argument 'all' for 'presets' (see: trellis presets --help)"],
    [
      ['tasks', '--split', 'train'],
      "trellis: --split must be dev or test, not 'train' (see: trellis tasks --help)",
    ],
    [
      ['tasks', '--difficulty', '4'],
      "trellis: --difficulty must be 1, 2 or 3, not '4' (see: trellis tasks --help)",
    ],
    [
      ['run', '--graph', 'react-baseline', '--task', 'notes_pin_1', '--endpoint', 'x', '--concurrency', '0'],
      "trellis: --concurrency must be a positive integer, not '0' (see: trellis run --help)",
    ],
    [
      ['run', '--graph', 'react-baseline', '--task', 'notes_pin_1', '--endpoint', 'x', '--seed', '1.5'],
      "trellis: --seed must be an integer from 0 to 2147483647, not '1.5' (see: trellis run --help)",
    ],
  ])('refuses %j in one line naming the mistake', async (argv, line) => {
    const { code, out, err } = await capture(argv);
    expect(code).toBe(2);
    expect(err).toBe(line);
    expect(out).toBe('');
  });

  it('exits 2 with one line and no stack trace for an unknown option, as a process', () => {
    const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--foo'], {
      cwd: serverDir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("trellis: unknown option '--foo' for 'run' (see: trellis run --help)");
  });

  it('on Ctrl-C ends its runs in flight as interrupted with that cause, traces kept, and exits 130', async () => {
    server.reset();
    server.script({ repeat: true, reply: { content: 'let me think', fault: 'stall_between' } });
    const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const cli = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'run',
        '--graph',
        'react-baseline',
        '--task',
        'notes_pin_1',
        '--endpoint',
        server.url,
        '--model',
        'qwen3-8b',
      ],
      {
        cwd: serverDir,
        env: { ...process.env, TRELLIS_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    cli.stdout!.on('data', (chunk) => {
      out += String(chunk);
    });
    const exitCode = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    await vi.waitFor(() => expect(server.requests().some((r) => r.outcome === 'pending')).toBe(true), {
      timeout: 60_000,
      interval: 50,
    });
    cli.kill('SIGINT');
    expect(await exitCode).toBe(130);
    const runId = /Runs: (run_\w+)/.exec(out)?.[1];
    expect(runId, out).toBeTruthy();

    const db = await openStore(path.join(dataDir, 'trellis.db'));
    try {
      const runs = new RunRepo(db);
      const stopped = (await runs.get(runId!))!;
      expect(stopped.status).toBe('interrupted');
      expect(stopped.error).toBe('trellis run was stopped (Ctrl-C) while this run was in flight');
      expect((await runs.events(runId!)).at(-1)).toMatchObject({
        type: 'run.finished',
        status: 'interrupted',
      });
    } finally {
      await db.close();
    }
    expect(out).toContain('INTERRUPTED');
  }, 90_000);

  it('lists tasks with filters', async () => {
    const { code, out } = await capture(['tasks', '--split', 'dev', '--difficulty', '1', '--app', 'notes']);
    expect(code).toBe(0);
    expect(out).toContain('notes_pin_1');
    expect(out).not.toMatch(/ test +d/);
  });
});
