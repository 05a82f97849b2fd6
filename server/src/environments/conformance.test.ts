import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { task } from '../testing/run.ts';
import { AppWorldRemoteEnvironment } from './appworld-remote.ts';
import type { Environment } from './types.ts';

const TASK = 'notes_pin_1';
const OTHER = 'notes_pin_2';

let t: TestApp;
let appworldUrl: string;

beforeAll(async () => {
  t = await createTestApp({}, { poolSize: 1 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  appworldUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/appworld`;
}, 120_000);
afterAll(() => t.close());

/** The same behaviour is required of the in-process world and of the AppWorld protocol client. */
function conformance(name: string, make: () => Environment) {
  describe(`${name} environment`, () => {
    it('initializes a task with its instruction, supervisor and date', async () => {
      const env = make();
      const start = await env.initialize(TASK);
      expect(start.instruction).toBe(task(TASK).instruction);
      expect(start.supervisor.email).toBe(task(TASK).supervisor.email);
      expect(start.datetime).toBe(task(TASK).datetime);
      await env.close();
    });

    it('keeps variables across steps and formats observations as AppWorld does', async () => {
      const env = make();
      await env.initialize(TASK);
      expect((await env.execute('x = 41')).observation).toBe('Execution successful.');
      expect((await env.execute('print(x + 1)')).observation).toBe('42');
      const listed = await env.execute('print([{"a": 1}])');
      expect(JSON.parse(listed.observation)).toEqual([{ a: 1 }]);
      const failed = await env.execute('apis.notes.search_notes(query="x")');
      expect(failed.ok).toBe(false);
      expect(failed.observation).toMatch(/^Execution failed\. Traceback:/);
      expect(failed.observation).toContain('Response status code is 401');
      const syntax = await env.execute('def broken(:');
      expect(syntax.ok).toBe(false);
      expect(syntax.observation).toMatch(/syntax error/i);
      await env.close();
    });

    it('is not complete and fails evaluation when nothing was done', async () => {
      const env = make();
      await env.initialize(TASK);
      expect(await env.isCompleted()).toBe(false);
      const evaluation = await env.evaluate();
      expect(evaluation.success).toBe(false);
      expect(evaluation.numTests).toBeGreaterThan(0);
      await env.close();
    });

    it('completes and passes evaluation with the reference solution', async () => {
      const env = make();
      await env.initialize(TASK);
      const result = await env.execute(task(TASK).solution);
      expect(result.ok).toBe(true);
      expect(await env.isCompleted()).toBe(true);
      const evaluation = await env.evaluate();
      expect(evaluation.success).toBe(true);
      expect(evaluation.failures).toEqual([]);
      await env.close();
    });

    it('keeps tasks apart', async () => {
      const a = make();
      const b = make();
      await a.initialize(TASK);
      await b.initialize(OTHER);
      await a.execute('secret = "only in a"');
      const seen = await b.execute('print(secret)');
      expect(seen.ok).toBe(false);
      expect(seen.observation).toContain('NameError');
      await a.close();
      await b.close();
    });

    it('lists apps and documents the APIs code calls', async () => {
      const env = make();
      await env.initialize(TASK);
      expect(await env.appDescriptions()).toContain('notes');
      const docs = await env.apiDocs([{ app: 'notes', api: 'search_notes' }]);
      expect(docs).toContain('access_token');
      await env.close();
    });

    it('rejects an unknown task id', async () => {
      const env = make();
      await expect(env.initialize('no_such_task_1')).rejects.toThrow(/no_such_task_1/);
      await env.close();
    });

    it('rejects executing before initialize', async () => {
      const env = make();
      await expect(env.execute('print(1)')).rejects.toThrow(/initialize/);
    });
  });
}

conformance('built-in', () => t.host.environment());
conformance('AppWorld remote', () => new AppWorldRemoteEnvironment({ baseUrl: appworldUrl }));

interface ProtocolBody {
  detail?: string;
  output?: unknown;
}
const read = async (res: Response) => (await res.json()) as ProtocolBody;

describe('AppWorld protocol routes', () => {
  const post = (route: string, body: unknown) =>
    fetch(`${appworldUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers errors as HTTP 400 with a detail', async () => {
    const unknown = await post('/initialize', { task_id: 'nope_9' });
    expect(unknown.status).toBe(400);
    expect((await read(unknown)).detail).toContain('nope_9');
    const noInit = await post('/execute', { task_id: OTHER, code: 'print(1)' });
    expect(noInit.status).toBe(400);
    expect((await read(noInit)).detail).toContain('initialize');
    const badBody = await post('/execute', { code: 5 });
    expect(badBody.status).toBe(400);
    expect((await read(badBody)).detail).toContain('task_id');
  });

  it('wraps every answer in output and enforces max_interactions', async () => {
    const init = await post('/initialize', { task_id: TASK, max_interactions: 1 });
    expect((await read(init)).output).toMatchObject({ task_id: TASK });
    expect(await (await post('/execute', { task_id: TASK, code: 'print(7)' })).json()).toEqual({
      output: '7',
    });
    const over = await post('/execute', { task_id: TASK, code: 'print(8)' });
    expect(over.status).toBe(400);
    expect((await read(await post('/task_completed', { task_id: TASK }))).output).toBe(false);
    expect((await read(await post('/close', { task_id: TASK }))).output).toBeNull();
  });
});
