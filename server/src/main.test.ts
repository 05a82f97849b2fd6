import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preset } from '@trellis/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from './store/db.ts';
import { INTERRUPTED_BY_SHUTDOWN, RunRepo } from './store/runs.ts';
import { startTestServer, type TestServer } from './testserver/server.ts';

const MAIN = path.join(import.meta.dirname, 'main.ts');

/** The real server process, as `pnpm start` runs it, on a port of its own and a fresh data directory. */
async function startServer(
  dataDir: string,
): Promise<{ child: ChildProcess; api: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      TRELLIS_PORT: '0',
      TRELLIS_DATA_DIR: dataDir,
      TRELLIS_DISCOVERY: '0',
      TRELLIS_WEB_DIST: path.join(dataDir, 'no-web-build'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr!.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = await vi.waitFor(
    () => {
      const found = /serving UI and API at (http:\/\/\S+?)\/? /.exec(output);
      if (!found) throw new Error(`server not up yet: ${output}`);
      return found[1]!;
    },
    { timeout: 60_000, interval: 50 },
  );
  return { child, api: `${url.replace(/\/$/, '')}/api`, output: () => output };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('stopping the server process while a run is in flight', () => {
  let upstream: TestServer;
  let dataDir = '';
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    upstream = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
  });
  afterAll(() => upstream.close());
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s ends the run as interrupted with that cause and keeps its trace',
    { timeout: 90_000 },
    async (signal) => {
      upstream.reset();
      upstream.script({ repeat: true, reply: { content: 'let me think', fault: 'stall_between' } });
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-main-'));
      const server = await startServer(dataDir);
      child = server.child;
      const post = async (route: string, body: unknown) => {
        const response = await fetch(`${server.api}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status, await response.clone().text()).toBe(201);
        return (await response.json()) as { id: string };
      };
      const endpoint = await post('/endpoints', {
        name: 'scripted',
        baseUrl: upstream.url,
        defaultModel: 'qwen3-8b',
        verify: false,
      });
      const run = await post('/runs', {
        graph: preset('react-baseline').graph,
        taskId: 'notes_pin_1',
        endpointId: endpoint.id,
      });
      await vi.waitFor(() => expect(upstream.requests().some((r) => r.outcome === 'pending')).toBe(true), {
        timeout: 30_000,
        interval: 50,
      });

      child.kill(signal);
      expect(await exited(child)).toBe(0);

      const db = await openStore(path.join(dataDir, 'trellis.db'));
      try {
        const runs = new RunRepo(db);
        const stopped = (await runs.get(run.id))!;
        expect(stopped.status).toBe('interrupted');
        expect(stopped.error).toBe(INTERRUPTED_BY_SHUTDOWN);
        const events = await runs.events(run.id);
        expect(events.map((e) => e.type)).toContain('llm.request');
        expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });
      } finally {
        await db.close();
      }
      expect(server.output()).toContain(`${signal}, shutting down`);
    },
  );
});
