import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../testing/wait.ts';
import { DIALECTS, OWNED_BY, type RecordedRequest, startTestServer, type TestServer } from './server.ts';

const KEY = 'sk-test-server-key';

async function chatRaw(server: TestServer, body: Record<string, unknown>, key: string | null = KEY) {
  const response = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  return { status: response.status, text: await response.text() };
}

/** The JSON payloads of a raw SSE body, `[DONE]` excluded. */
function payloads(text: string): Record<string, unknown>[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
    .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
}

function deltas(text: string): Record<string, unknown>[] {
  return payloads(text).flatMap((p) => {
    const choices = p.choices as { delta: Record<string, unknown> }[];
    return choices.map((c) => c.delta);
  });
}

const joined = (text: string, field: string) =>
  deltas(text)
    .map((d) => (typeof d[field] === 'string' ? d[field] : ''))
    .join('');

describe.each(DIALECTS)('the scripted test server in the %s dialect', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, models: ['m'], apiKey: KEY });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('labels its models as the test server', async () => {
    const response = await fetch(`${server.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await response.json()) as { data: { id: string; owned_by: string }[] };
    expect(body.data).toEqual([expect.objectContaining({ id: 'm', owned_by: OWNED_BY })]);
  });

  it("streams reasoning the dialect's way and ends with [DONE]", async () => {
    server.script({ reply: { reasoning: 'hmm', content: 'yes' } });
    const { status, text } = await chatRaw(server, { stream: true });
    expect(status).toBe(200);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const field = {
      vllm: 'reasoning',
      ollama: 'reasoning',
      sglang: 'reasoning_content',
      llamacpp: 'reasoning_content',
    }[dialect as string];
    if (field) {
      expect(joined(text, field)).toBe('hmm');
      expect(joined(text, 'content')).toBe('yes');
    } else {
      expect(joined(text, 'content')).toBe('<think>\nhmm\n</think>\n\nyes');
    }
  });

  it('sends usage in a choices-free chunk, or on the last chunk for llama.cpp', async () => {
    const { text } = await chatRaw(server, { stream: true, stream_options: { include_usage: true } });
    const chunks = payloads(text);
    const last = chunks.at(-1)!;
    expect(last.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
    });
    if (dialect === 'llamacpp') {
      expect((last.choices as unknown[]).length).toBe(1);
      expect(last.timings).toMatchObject({ predicted_n: expect.any(Number) });
    } else {
      expect(last.choices).toEqual([]);
    }
  });

  it("rejects a missing key with 401 in the dialect's shape", async () => {
    const { status, text } = await chatRaw(server, { stream: true }, null);
    expect(status).toBe(401);
    const body = JSON.parse(text) as Record<string, unknown>;
    if (dialect === 'sglang') expect(body.object).toBe('error');
    else if (dialect === 'tgi') expect(typeof body.error).toBe('string');
    else expect(typeof (body.error as { message: string }).message).toBe('string');
  });

  it('records requests without the authorization header', async () => {
    await chatRaw(server, { stream: true, top_k: 20 });
    const [recorded] = server.requests();
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      outcome: 'completed',
      status: 200,
    });
    expect(recorded?.body).toMatchObject({ top_k: 20 });
    expect(recorded?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(recorded)).not.toContain(KEY);
  });
});

describe('the scripted test server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'vllm', models: ['m', 'other'] });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  const content = async (message: string, body: Record<string, unknown> = {}, system?: string) => {
    const messages = [
      ...(system ? [{ role: 'system', content: system }] : []),
      { role: 'user', content: message },
    ];
    const { text } = await chatRaw(server, { stream: true, messages, ...body }, null);
    return { content: joined(text, 'content'), reasoning: joined(text, 'reasoning'), text };
  };

  it('uses the first matching entry, consumes it, and keeps repeating ones', async () => {
    server.script([
      { match: { contains: 'weather' }, reply: { content: 'sunny' } },
      { match: { system: 'pirate' }, repeat: true, reply: { content: 'arr' } },
      { match: { model: 'other' }, reply: { content: 'from the other model' } },
    ]);
    expect((await content('the weather?')).content).toBe('sunny');
    expect((await content('the weather?')).content).toBe('You said: the weather?');
    expect((await content('hello', {}, 'You are a pirate.')).content).toBe('arr');
    expect((await content('hello', {}, 'You are a pirate.')).content).toBe('arr');
    expect((await content('hello', { model: 'other' })).content).toBe('from the other model');
  });

  it('derives a deterministic default reply, with reasoning unless thinking is off', async () => {
    const first = await content('echo me');
    expect(first).toMatchObject({
      content: 'You said: echo me',
      reasoning: expect.stringContaining('7 characters'),
    });
    const again = await content('echo me');
    expect([again.content, again.reasoning]).toEqual([first.content, first.reasoning]);
    const quiet = await content('echo me', { chat_template_kwargs: { enable_thinking: false } });
    expect(quiet.reasoning).toBe('');
  });

  it('obeys #tokens, #pace and #fault directives in the message', async () => {
    const counted = await content('alpha beta #tokens:5');
    expect(counted.content).toBe('alpha beta alpha beta alpha');
    const started = performance.now();
    await content('slow #tokens:4 #pace:30');
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    const { status } = await chatRaw(
      server,
      { messages: [{ role: 'user', content: 'x #fault:http_500' }] },
      null,
    );
    expect(status).toBe(500);
  });

  it('answers 404 for an unknown model and 400 for a body without messages', async () => {
    expect((await chatRaw(server, { model: 'nope' }, null)).status).toBe(404);
    expect((await chatRaw(server, { messages: [] }, null)).status).toBe(400);
  });

  it('answers a non-streaming request with one completion', async () => {
    server.script({ reply: { reasoning: 'r', content: 'whole' } });
    const { text } = await chatRaw(server, { stream: false }, null);
    const body = JSON.parse(text) as { choices: { message: Record<string, string> }[] };
    expect(body.choices[0]?.message).toMatchObject({ content: 'whole', reasoning: 'r' });
  });

  it('records a client that goes away as client_closed', async () => {
    server.script({ reply: { content: 'word '.repeat(100), paceMs: 20 } });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(() => expect(server.requests()[0]?.outcome).toBe('client_closed'));
  });

  it('can be driven over HTTP: script, requests and reset', async () => {
    const root = server.url.replace(/\/v1$/, '');
    const scripted = await fetch(`${root}/__script`, {
      method: 'POST',
      body: JSON.stringify([{ match: { contains: 'ping' }, reply: { content: 'pong' } }]),
    });
    expect(await scripted.json()).toEqual({ queued: 1 });
    expect((await content('ping')).content).toBe('pong');
    const requests = (await (await fetch(`${root}/__requests`)).json()) as RecordedRequest[];
    expect(requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
    const bad = await fetch(`${root}/__script`, {
      method: 'POST',
      body: JSON.stringify([{ reply: { fault: 'x' } }]),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('reply.fault');
    await fetch(`${root}/__reset`, { method: 'POST' });
    expect(await (await fetch(`${root}/__requests`)).json()).toEqual([]);
  });

  it('puts reasoning in <think> content when asked to', async () => {
    const thinking = await startTestServer({ dialect: 'sglang', models: ['m'], thinkInContent: true });
    try {
      thinking.script({ reply: { reasoning: 'deep', content: 'done' } });
      const { text } = await chatRaw(thinking, { stream: true }, null);
      expect(joined(text, 'content')).toBe('<think>\ndeep\n</think>\n\ndone');
      expect(joined(text, 'reasoning_content')).toBe('');
    } finally {
      await thinking.close();
    }
  });

  it('keeps a stalled llama.cpp stream alive with comment pings', async () => {
    const llama = await startTestServer({ dialect: 'llamacpp', models: ['m'], pingMs: 20 });
    try {
      llama.script({ reply: { content: 'a b c', fault: 'stall_between' } });
      const controller = new AbortController();
      const response = await fetch(`${llama.url}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while ((text.match(/: ping/g) ?? []).length < 4) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      controller.abort();
      expect((text.match(/: ping/g) ?? []).length).toBeGreaterThanOrEqual(4);
      expect(joined(text.replace(/: ping\n\n/g, ''), 'content')).toBe('a b');
    } finally {
      await llama.close();
    }
  });

  it('serves /health as each dialect does', async () => {
    const expectations = {
      vllm: 200,
      sglang: 200,
      llamacpp: 200,
      ollama: 404,
      openai: 404,
      tgi: 200,
    } as const;
    for (const dialect of DIALECTS) {
      const other = await startTestServer({ dialect });
      try {
        const response = await fetch(`${other.url.replace(/\/v1$/, '')}/health`);
        expect([dialect, response.status]).toEqual([dialect, expectations[dialect]]);
        if (dialect === 'llamacpp') expect(await response.json()).toEqual({ status: 'ok' });
      } finally {
        await other.close();
      }
    }
  });
});

describe('the test server with openModels', () => {
  it('lists its models to anyone but still wants the key for chat', async () => {
    const server = await startTestServer({ dialect: 'vllm', models: ['m'], apiKey: KEY, openModels: true });
    try {
      expect((await fetch(`${server.url}/models`)).status).toBe(200);
      expect((await chatRaw(server, {}, null)).status).toBe(401);
      expect((await chatRaw(server, {}, 'sk-wrong')).status).toBe(401);
      expect((await chatRaw(server, {})).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the test server CLI', () => {
  it('says it is a scripted test server and serves the chosen dialect', async () => {
    const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/testserver/cli.ts',
        '--port',
        '0',
        '--dialect',
        'sglang',
        '--model',
        'cli-model',
      ],
      {
        cwd: serverDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      expect(banner).toMatch(/scripted test server/);
      expect(banner).toMatch(/NOT a real model/);
      const url = /(http:\/\/\S+\/v1)/.exec(banner)?.[1];
      const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toEqual(['cli-model']);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
