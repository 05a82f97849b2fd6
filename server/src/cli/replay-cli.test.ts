import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/db.ts';
import { RunRepo } from '../store/runs.ts';
import { pythonBlock, task } from '../testing/run.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
import { main } from './main.ts';

const TASK = 'notes_pin_1';
const CAREFUL = 'You are a careful agent. Solve it in one block.';

describe('replay, fork, rescue and compare from the CLI', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-replay-cli-'));
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
    try {
      const code = await main([...argv, '--data-dir', dataDir]);
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  const latestRun = async () => {
    const store = await openStore(path.join(dataDir, 'trellis.db'));
    try {
      return (await new RunRepo(store).list({ limit: 1, offset: 0 })).runs[0]!;
    } finally {
      await store.close();
    }
  };

  /** A failed run: two steps that print, at the graph's step limit. */
  const failedRun = async () => {
    const graphFile = path.join(dataDir, 'two-steps.json');
    const { preset } = await import('@trellis/shared');
    fs.writeFileSync(
      graphFile,
      JSON.stringify({ ...preset('react-baseline').graph, limits: { maxSteps: 2, tokenBudget: null } }),
    );
    server.script({
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: pythonBlock('print(7)') },
    });
    const ran = await capture([
      'run',
      '--graph',
      graphFile,
      '--task',
      TASK,
      '--endpoint',
      server.url,
      '--model',
      'qwen3-8b',
      '--quiet',
    ]);
    expect(ran.err).toBe('');
    expect(ran.code).toBe(1);
    server.reset();
    return latestRun();
  };

  it('replays a run with no model call, forks it with an edited prompt, compares and rescues', async () => {
    const parent = await failedRun();
    expect(parent.status).toBe('failed');

    const replayed = await capture(['replay', '--run', parent.id]);
    expect(replayed.out).toContain('step 1  match');
    expect(replayed.out).toMatch(/Match on every step \(2 model calls answered from the record, none sent\)/);
    expect(replayed.code).toBe(0);
    expect(server.requests()).toHaveLength(0);

    const prompt = path.join(dataDir, 'prompt.txt');
    fs.writeFileSync(prompt, CAREFUL);
    server.script({
      match: { system: CAREFUL },
      repeat: true,
      reply: { content: pythonBlock(task(TASK).solution) },
    });
    const forked = await capture([
      'fork',
      '--run',
      parent.id,
      '--step',
      '2',
      '--set',
      `agent.prompts.system=@${prompt}`,
    ]);
    expect(forked.out).toMatch(/^Fork run_\w+ of run_\w+ at step 2; steps before it come from the record\./m);
    expect(forked.out).toMatch(/nodes\.agent\.prompts\.system: edited/);
    expect(forked.out).toMatch(/SUCCEEDED after 2 steps/);
    expect(forked.code).toBe(0);
    expect(server.requests().map((r) => r.headers['x-trellis-step'])).toEqual(['2']);
    const child = await latestRun();

    const compared = await capture(['compare', '--left', parent.id, '--right', child.id]);
    expect(compared.out).toContain('steps 1–1: the same on both sides');
    expect(compared.out).toMatch(/▶\s+2 │ 2\s+changed/);
    expect(compared.code).toBe(0);

    const rescued = await capture([
      'rescue',
      '--runs',
      parent.id,
      '--set',
      `agent.prompts.system=@${prompt}`,
    ]);
    expect(rescued.out).toMatch(/^Rescuing 1 run \(rsc_\w+\), 4 at a time, from the first step\./m);
    expect(rescued.out).toMatch(/progress: 1\/1 done, 0 running, 1 rescued · [\d.]+ runs\/min/);
    expect(rescued.out).toMatch(/1 of 1 rescued/);
    expect(rescued.code).toBe(0);
  });

  it('names what is wrong and exits 2', async () => {
    const parent = await failedRun();
    const outOfRange = await capture(['fork', '--run', parent.id, '--step', '9']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.err).toMatch(/step 9 is out of range: run '\w+' recorded steps 1–2/);
    const unknownField = await capture([
      'fork',
      '--run',
      parent.id,
      '--step',
      '1',
      '--set',
      'agent.prompt=x',
    ]);
    expect(unknownField.err).toContain(
      "change.nodes.agent.prompt: node 'agent' (agent) has no setting 'prompt'",
    );
    const badSet = await capture(['fork', '--run', parent.id, '--step', '1', '--set', 'agent']);
    expect(badSet.err).toContain("--set 'agent' must read <node>.<key>=<value>");
    const nothing = await capture(['rescue']);
    expect(nothing.err).toContain('rescue needs --runs, a filter');
    const none = await capture(['rescue', '--task', 'notes_create_1']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('nothing to rescue: no run matches the query (task=notes_create_1)');
    const missing = await capture(['replay']);
    expect(missing.err).toContain('replay needs --run');
    expect(server.requests()).toHaveLength(0);
  });
});
