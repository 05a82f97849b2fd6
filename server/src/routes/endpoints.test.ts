import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { startTestServer } from '../testserver/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

describe('endpoint registry API', () => {
  let t: TestApp;
  let open: TestServer;
  let keyed: TestServer;
  /** Guards chat with its key but lists models to anyone, as many proxies and some vLLM setups do. */
  let guardedChat: TestServer;

  beforeAll(async () => {
    t = await createTestApp();
    open = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    keyed = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'], apiKey: 'sk-right-key-1234' });
    guardedChat = await startTestServer({
      dialect: 'vllm',
      models: ['qwen3-8b'],
      apiKey: 'sk-right-key-1234',
      openModels: true,
    });
  });
  afterAll(async () => {
    await t.close();
    await open.close();
    await keyed.close();
    await guardedChat.close();
  });

  const post = (body: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/endpoints', payload: body as object });
  const list = async () => (await t.app.inject({ method: 'GET', url: '/api/endpoints' })).json();

  it('registers a reachable server and never returns its key', async () => {
    const res = await post({
      name: 'keyed',
      baseUrl: keyed.url,
      apiKey: 'sk-right-key-1234',
      defaultModel: 'qwen3-8b',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.hasApiKey).toBe(true);
    expect(body.apiKeyPreview).toBe('••••1234');
    expect(JSON.stringify(body)).not.toContain('sk-right-key');
    expect(JSON.stringify(await list())).not.toContain('sk-right-key');
    expect((await t.ctx.endpoints.get(body.id))?.apiKey).toBe('sk-right-key-1234');
  });

  it('rejects a malformed URL with a 400 naming the field', async () => {
    const res = await post({ name: 'bad url', baseUrl: 'gpu-host:8000' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/baseUrl: base URL must be an absolute http/);
  });

  it('rejects an invalid body naming each bad field', async () => {
    const res = await post({
      name: '',
      baseUrl: open.url,
      defaultParams: { temperature: 'hot' },
      color: 'red',
    });
    expect(res.statusCode).toBe(400);
    const message: string = res.json().error.message;
    expect(message).toContain('name');
    expect(message).toContain('defaultParams.temperature');
    expect(message).toMatch(/color/);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/endpoints',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
  });

  it('rejects an unreachable host with a 422 that says it could not connect', async () => {
    const res = await post({ name: 'nowhere', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('endpoint_connection_refused');
    expect(res.json().error.message).toContain('127.0.0.1:9');
  });

  it('rejects a wrong API key with a 422 that says the key was refused', async () => {
    const res = await post({ name: 'wrong key', baseUrl: keyed.url, apiKey: 'sk-wrong' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('endpoint_unauthorized');
    expect(res.json().error.message).not.toContain('sk-wrong');
  });

  it('rejects a wrong API key although the server lists its models without one', async () => {
    const res = await post({
      name: 'wrong key, open models',
      baseUrl: guardedChat.url,
      apiKey: 'sk-wrong-but-long',
      defaultModel: 'qwen3-8b',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('endpoint_unauthorized');
    expect(res.json().error.message).toContain('rejected the API key (HTTP 401 to POST /chat/completions');
    expect(JSON.stringify(res.json())).not.toContain('sk-wrong-but-long');
    expect((await list()).some((e: { name: string }) => e.name === 'wrong key, open models')).toBe(false);
  });

  it('rejects an edit to a wrong API key that only a chat completion reveals', async () => {
    const created = await post({
      name: 'guarded chat',
      baseUrl: guardedChat.url,
      apiKey: 'sk-right-key-1234',
      defaultModel: 'qwen3-8b',
    });
    expect(created.statusCode).toBe(201);
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/endpoints/${created.json().id}`,
      payload: { apiKey: 'sk-wrong-but-long' },
    });
    expect(edit.statusCode).toBe(422);
    expect(edit.json().error.message).toContain('rejected the API key');
    expect((await t.ctx.endpoints.get(created.json().id))?.apiKey).toBe('sk-right-key-1234');
  });

  it('answers a registration with what it checked', async () => {
    const res = await post({
      name: 'checked',
      baseUrl: guardedChat.url,
      apiKey: 'sk-right-key-1234',
      defaultModel: 'qwen3-8b',
    });
    expect(res.statusCode).toBe(201);
    const { verification } = res.json();
    expect(verification.models).toEqual([expect.objectContaining({ id: 'qwen3-8b' })]);
    expect(verification.checks).toEqual([
      expect.objectContaining({ subject: 'server', result: 'passed' }),
      expect.objectContaining({ subject: 'model', result: 'passed' }),
      {
        subject: 'api_key',
        result: 'passed',
        detail: expect.stringMatching(/^the server accepted the API key: POST \/chat\/completions/),
      },
    ]);
    const unverified = await post({ name: 'unchecked', baseUrl: open.url, verify: false });
    expect(unverified.json().verification).toBeNull();
  });

  it('rejects an unknown default model, naming the served ones', async () => {
    const res = await post({ name: 'unknown model', baseUrl: open.url, defaultModel: 'llama-70b' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('endpoint_model_not_found');
    expect(res.json().error.message).toContain('llama-70b');
    expect(res.json().error.message).toContain('qwen3-8b');
  });

  it('saves an offline endpoint when asked not to verify', async () => {
    const res = await post({ name: 'offline', baseUrl: 'http://127.0.0.1:9/v1', verify: false });
    expect(res.statusCode).toBe(201);
  });

  it('refuses a duplicate name', async () => {
    const res = await post({ name: 'OFFLINE', baseUrl: open.url, verify: false });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('offline');
  });

  it('leaves the stored endpoint unchanged when an edit is rejected', async () => {
    const created = (await post({ name: 'editable', baseUrl: open.url, defaultModel: 'qwen3-8b' })).json();
    const before = await t.ctx.endpoints.get(created.id);
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/api/endpoints/${created.id}`,
      payload: { baseUrl: 'http://127.0.0.1:9/v1', name: 'renamed' },
    });
    expect(bad.statusCode).toBe(422);
    const invalid = await t.app.inject({
      method: 'PATCH',
      url: `/api/endpoints/${created.id}`,
      payload: { timeouts: { idleMs: -5 } },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.message).toContain('timeouts.idleMs');
    expect(await t.ctx.endpoints.get(created.id)).toEqual(before);
  });

  it('edits an endpoint and keeps the key unless told to clear it', async () => {
    const created = (
      await post({
        name: 'key keeper',
        baseUrl: keyed.url,
        apiKey: 'sk-right-key-1234',
        defaultModel: 'qwen3-8b',
      })
    ).json();
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/api/endpoints/${created.id}`,
      payload: { name: 'key keeper 2', defaultParams: { temperature: 0.7, top_k: 20 } },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('key keeper 2');
    expect(renamed.json().defaultParams).toEqual({ temperature: 0.7, top_k: 20 });
    expect((await t.ctx.endpoints.get(created.id))?.apiKey).toBe('sk-right-key-1234');
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/api/endpoints/${created.id}`,
      payload: { apiKey: null, verify: false },
    });
    expect(cleared.json().hasApiKey).toBe(false);
  });

  it('reports health with served models and vLLM metrics', async () => {
    const created = (await post({ name: 'healthy', baseUrl: open.url })).json();
    const res = await t.app.inject({ method: 'GET', url: `/api/endpoints/${created.id}/health` });
    expect(res.statusCode).toBe(200);
    const health = res.json();
    expect(health.status).toBe('ok');
    expect(health.models.map((m: { id: string }) => m.id)).toContain('qwen3-8b');
    expect(health.metrics?.source).toBe('vllm');
  });

  it('reports an unreachable endpoint as down with the cause', async () => {
    const offline = (await list()).find((e: { name: string }) => e.name === 'offline');
    const res = await t.app.inject({ method: 'GET', url: `/api/endpoints/${offline.id}/health` });
    expect(res.json().status).toBe('down');
    expect(res.json().message).toMatch(/refused|connect/i);
  });

  it('removes an endpoint and answers 404 for it afterwards', async () => {
    const created = (await post({ name: 'doomed', baseUrl: open.url, verify: false })).json();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/endpoints/${created.id}` })).statusCode).toBe(
      204,
    );
    const again = await t.app.inject({ method: 'DELETE', url: `/api/endpoints/${created.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.message).toContain(created.id);
  });
});

describe('endpoints declared at start-up', () => {
  it('are listed as config endpoints that cannot be edited through the API', async () => {
    const t = await createTestApp({
      endpoints: [
        {
          name: 'declared',
          baseUrl: 'http://gpu-host.invalid:8000/v1',
          kind: 'vllm',
          defaultParams: {},
          timeouts: {},
          verify: false,
        },
      ],
    });
    await t.ctx.registry.seedDeclared();
    await t.ctx.registry.seedDeclared();
    const listed = (await t.app.inject({ method: 'GET', url: '/api/endpoints' })).json();
    expect(listed).toHaveLength(1);
    expect(listed[0].source).toBe('config');
    const res = await t.app.inject({ method: 'DELETE', url: `/api/endpoints/${listed[0].id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('TRELLIS_ENDPOINTS');
    await t.close();
  });

  it('takes the one model its server serves as the default when declared without one (name=url)', async () => {
    const upstream = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    const t = await createTestApp({
      endpoints: [
        {
          name: 'short',
          baseUrl: upstream.url,
          kind: 'other',
          defaultParams: {},
          timeouts: {},
          verify: false,
        },
      ],
    });
    try {
      await t.ctx.registry.seedDeclared();
      expect((await t.ctx.endpoints.getByName('short'))?.defaultModel).toBe('qwen3-8b');
    } finally {
      await t.close();
      await upstream.close();
    }
  });

  it('keeps the model found last time while its server is not answering yet (a restart)', async () => {
    const upstream = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-declared-'));
    const declared = {
      name: 'short',
      baseUrl: upstream.url,
      kind: 'other' as const,
      defaultParams: {},
      timeouts: { connectMs: 300 },
      verify: false,
    };
    try {
      const first = await createTestApp({ endpoints: [declared] }, { dbFile: path.join(dataDir, 'db') });
      await first.ctx.registry.seedDeclared();
      await first.close();
      await upstream.close();
      const second = await createTestApp({ endpoints: [declared] }, { dbFile: path.join(dataDir, 'db') });
      const seeding = second.ctx.registry.seedDeclared();
      expect((await second.ctx.endpoints.getByName('short'))?.defaultModel).toBe('qwen3-8b');
      await seeding;
      expect((await second.ctx.endpoints.getByName('short'))?.defaultModel).toBe('qwen3-8b');
      await second.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
