import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_NOTICE } from '../experiments/export.ts';
import type { TestServer } from '../testserver/server.ts';
import { presetsByName, startSimulatedServer } from '../testserver/simulated/index.ts';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TASKS = 'notes_pin_1,todo_complete_1';

describe('trellis experiment, as a process', () => {
  let simulated: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    simulated = await startSimulatedServer({ presets: presetsByName(['small']), seed: 7, timeScale: 0 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-experiment-cli-'));
  });
  afterAll(async () => {
    await simulated.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs the CLI in a child process (the simulated server lives in this one, so it must not block). */
  function trellis(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'experiment', ...args], {
      cwd: SERVER_DIR,
      env: { ...process.env, TRELLIS_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    cli.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    cli.stderr.on('data', (chunk) => {
      err += String(chunk);
    });
    return new Promise((resolve) => cli.once('close', (code) => resolve({ code, out, err })));
  }

  const created = (out: string) => /\((exp_\w+)\)/.exec(out)?.[1];
  const create = ['create', '--tasks', TASKS, '--arm', 'react-baseline', '--arm', 'three-roles'];

  it('creates and runs an experiment with progress and the table, then lists and exports it', async () => {
    const ran = await trellis(
      ...create,
      '--endpoint',
      simulated.url,
      '--model',
      'simulated-small',
      '--seeds',
      '7',
      '--concurrency',
      '2',
    );
    expect(ran.err).toBe('');
    expect(ran.code, ran.out).toBe(0);
    expect(ran.out).toMatch(/\] \d+\/4 done, .* runs\/min/);
    expect(ran.out).toMatch(/\| Scaffold \| TGC \| SGC \| Runs \|/);
    expect(ran.out).toContain(SIMULATED_NOTICE);
    const id = created(ran.out)!;
    expect(id).toBeTruthy();

    const [status, csv] = await Promise.all([
      trellis('status'),
      trellis('report', '--id', id, '--format', 'csv'),
    ]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(new RegExp(`^${id}\\s+finished\\s+4/4\\s+.+ \\(simulated\\)$`, 'm'));
    expect(csv.code).toBe(0);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^experiment_id,arm,arm_label,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 2))).toEqual([
      [id, '0'],
      [id, '1'],
      [id, '0'],
      [id, '1'],
    ]);
  }, 120_000);

  it('refuses bad usage with exit 2 and one line naming it', async () => {
    const [noArms, badFormat, unknown] = await Promise.all([
      trellis('create', '--tasks', TASKS, '--endpoint', simulated.url),
      trellis('report', '--id', 'exp_x', '--format', 'xml'),
      trellis('frobnicate'),
    ]);
    expect([noArms.code, badFormat.code, unknown.code]).toEqual([2, 2, 2]);
    expect(noArms.err).toBe(
      'trellis: give --ablation or at least one --arm (see: trellis experiment create --help)\n',
    );
    expect(badFormat.err).toBe(
      "trellis: --format must be md, csv or json, not 'xml' (see: trellis experiment report --help)\n",
    );
    expect(unknown.err).toBe(
      "trellis: unknown subcommand 'frobnicate' (create, run, status or report) (see: trellis experiment --help)\n",
    );
  }, 60_000);

  it('creates an experiment with --detach and finishes it with experiment run', async () => {
    const detached = await trellis(
      ...create,
      '--endpoint',
      simulated.url,
      '--model',
      'simulated-small',
      '--detach',
    );
    expect(detached.code, detached.err).toBe(0);
    const id = created(detached.out)!;
    expect(detached.out).toContain(`Created; run it with: trellis experiment run --id ${id}`);
    expect(detached.out).toMatch(/0\/4 done/);

    const ran = await trellis('run', '--id', id);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toMatch(/\| Scaffold \| TGC/);
    const status = await trellis('status', '--id', id);
    expect(status.out).toMatch(new RegExp(`\\(${id}\\) — finished`));
    expect(status.out).toContain('4/4 done');
  }, 120_000);
});
