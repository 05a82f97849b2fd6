import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pythonBlock, task } from '../testing/run.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
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
    expect(out).toContain('2/2 tasks succeeded');
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'trellis.db'))).toBe(true);
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

  it('lists tasks with filters', async () => {
    const { code, out } = await capture(['tasks', '--split', 'dev', '--difficulty', '1', '--app', 'notes']);
    expect(code).toBe(0);
    expect(out).toContain('notes_pin_1');
    expect(out).not.toMatch(/ test +d/);
  });
});
