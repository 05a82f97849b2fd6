import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InferenceError } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/net.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
import { type Verification, verifyEndpoint } from './verify.ts';

const KEY = 'sk-verify-secret-4242';

function failure(result: Verification): InferenceError | null {
  return result.ok ? null : result.error;
}

function checks(result: Verification) {
  if (!result.ok) throw new Error(`verification failed: ${result.error.message}`);
  return result.verification.checks;
}

describe('verifyEndpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b', 'qwen3-0.6b'], apiKey: KEY });
  });
  afterAll(async () => {
    await server.close();
  });
  const verify = (options: { baseUrl?: string; apiKey?: string; model?: string; timeoutMs?: number }) =>
    verifyEndpoint({ baseUrl: server.url, apiKey: KEY, timeoutMs: 2_000, ...options });

  it('accepts a reachable server, the right key and a served model, saying what it checked', async () => {
    const result = await verify({ model: 'qwen3-8b' });
    expect(failure(result)).toBeNull();
    expect(checks(result)).toEqual([
      { subject: 'server', result: 'passed', detail: `${server.url}/models listed 2 models` },
      { subject: 'model', result: 'passed', detail: "'qwen3-8b' is among the served models" },
      {
        subject: 'api_key',
        result: 'passed',
        detail:
          "the server accepted the API key: POST /chat/completions for 'qwen3-8b' (at most 1 token) answered HTTP 200",
      },
    ]);
    expect(result.ok && result.verification.models.map((m) => m.id)).toEqual(['qwen3-8b', 'qwen3-0.6b']);
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('tries the key on the first served model when there is no default model', async () => {
    server.reset();
    expect(failure(await verify({}))).toBeNull();
    const chat = server.requests().find((r) => r.path === '/v1/chat/completions');
    expect(chat?.body).toMatchObject({ model: 'qwen3-8b', max_tokens: 1, stream: true });
  });

  it('names the served models when the model is unknown', async () => {
    const error = failure(await verify({ model: 'llama-70b' }));
    expect(error?.code).toBe('model_not_found');
    expect(error?.message).toContain("'llama-70b'");
    expect(error?.message).toContain('qwen3-8b, qwen3-0.6b');
  });

  it('refuses a wrong key without repeating it', async () => {
    const error = failure(await verify({ apiKey: 'sk-wrong-verify-key' }));
    expect(error?.code).toBe('unauthorized');
    expect(error?.message).toMatch(/rejected the API key \(HTTP 401 to GET \/models/);
    expect(JSON.stringify(error)).not.toContain('sk-wrong-verify-key');
  });

  it('explains an unreachable port, an unknown host and a base URL without the API', async () => {
    const port = await freePort();
    expect(failure(await verify({ baseUrl: `http://127.0.0.1:${port}/v1` }))?.code).toBe(
      'connection_refused',
    );
    expect(failure(await verify({ baseUrl: 'http://no-such-gpu.invalid/v1' }))?.code).toBe('dns_failure');
    const root = failure(await verify({ baseUrl: server.url.replace(/\/v1$/, '') }));
    expect(root?.code).toBe('invalid_url');
    expect(root?.message).toMatch(/usually ends in \/v1/);
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const error = failure(await verify({ baseUrl: `http://127.0.0.1:${port}/v1` }));
      expect(error?.code).toBe('connection_refused');
      expect(error?.message).toMatch(/did not answer within 2000 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('accepts a server still loading its model, saying the key and the model were not checked', async () => {
    server.setLoading(true);
    try {
      const result = await verify({ model: 'qwen3-8b' });
      expect(checks(result).map((c) => [c.subject, c.result])).toEqual([
        ['server', 'passed'],
        ['api_key', 'unchecked'],
        ['model', 'unchecked'],
      ]);
      expect(checks(result)[1]?.detail).toContain('still loading');
    } finally {
      server.setLoading(false);
    }
  });
});

describe('verifyEndpoint behind an open model list', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'openai', models: ['m'], apiKey: KEY, openModels: true });
  });
  afterAll(async () => {
    await server.close();
  });
  const verify = (options: { apiKey?: string; model?: string; timeoutMs?: number }) =>
    verifyEndpoint({ baseUrl: server.url, timeoutMs: 2_000, ...options });

  it('refuses a wrong key that GET /models does not check, without repeating it', async () => {
    const error = failure(await verify({ apiKey: 'sk-wrong-open-models', model: 'm' }));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error?.message).toContain('rejected the API key (HTTP 401 to POST /chat/completions');
    expect(error?.message).toContain("check the endpoint's API key");
    expect(JSON.stringify(error)).not.toContain('sk-wrong-open-models');
  });

  it('says a key is needed when none is given and chat asks for one', async () => {
    const error = failure(await verify({ model: 'm' }));
    expect(error?.code).toBe('unauthorized');
    expect(error?.message).toMatch(/requires an API key \(HTTP 401 to POST \/chat\/completions.*add one/);
  });

  it('accepts the right key once a chat completion accepts it', async () => {
    const result = await verify({ apiKey: KEY });
    expect(checks(result).find((c) => c.subject === 'api_key')).toMatchObject({ result: 'passed' });
  });

  it('says the key was not checked when the chat request gets no answer in time', async () => {
    server.script({ reply: { content: 'x', fault: 'stall_headers' } });
    const result = await verify({ apiKey: KEY, timeoutMs: 300 });
    const key = checks(result).find((c) => c.subject === 'api_key');
    expect(key?.result).toBe('unchecked');
    expect(key?.detail).toMatch(
      /not checked whether the server accepts the API key .* no answer within 300 ms/,
    );
  });
});

describe('verifyEndpoint against a server that needs no key', () => {
  it('checks that a chat completion needs no key, and says so', async () => {
    const server = await startTestServer({ dialect: 'llamacpp', models: ['gguf'] });
    try {
      const result = await verifyEndpoint({ baseUrl: server.url, timeoutMs: 2_000 });
      expect(checks(result).find((c) => c.subject === 'api_key')?.detail).toMatch(
        /^the server needs no API key: POST \/chat\/completions for 'gguf' \(at most 1 token\) without one answered HTTP 200$/,
      );
    } finally {
      await server.close();
    }
  });

  it('says the key was not checked when the server lists no model to ask for', async () => {
    const empty = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [] }));
    });
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    const port = (empty.address() as AddressInfo).port;
    try {
      const result = await verifyEndpoint({
        baseUrl: `http://127.0.0.1:${port}/v1`,
        apiKey: KEY,
        timeoutMs: 2_000,
      });
      expect(checks(result)).toEqual([
        { subject: 'server', result: 'passed', detail: `http://127.0.0.1:${port}/v1/models listed 0 models` },
        {
          subject: 'api_key',
          result: 'unchecked',
          detail:
            'not checked whether the server accepts the API key for chat completions: it lists no model to ask for',
        },
      ]);
    } finally {
      empty.close();
    }
  });
});
