import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/net.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
import { discoverLocalServers } from './discovery.ts';
import { probeEndpoint, readModels, readServerMetrics, rootOf } from './probe.ts';
import { metricSum, parsePrometheus } from './prometheus.ts';

const KEY = 'sk-probe-secret-4242';

describe('parsePrometheus', () => {
  it('reads names, escaped labels, special values and timestamps, skipping comments', () => {
    const samples = parsePrometheus(
      [
        '# HELP x_total A counter.',
        '# TYPE x_total counter',
        'x_total{a="1",b="quote \\" and \\\\ and \\n"} 3.5 1700000000000',
        'x_total{a="2"} 1e3',
        'up 1',
        'weird{le="+Inf"} +Inf',
        'broken{a="unterminated} 4',
        'nan_metric NaN',
        '',
      ].join('\n'),
    );
    expect(samples[0]).toEqual({
      name: 'x_total',
      labels: { a: '1', b: 'quote " and \\ and \n' },
      value: 3.5,
    });
    expect(metricSum(samples, 'x')).toBe(1003.5);
    expect(metricSum(samples, 'up')).toBe(1);
    expect(metricSum(samples, 'absent')).toBeNull();
    expect(samples.find((s) => s.name === 'weird')?.value).toBe(Number.POSITIVE_INFINITY);
    expect(samples.some((s) => s.name === 'broken')).toBe(false);
    expect(Number.isNaN(samples.find((s) => s.name === 'nan_metric')?.value)).toBe(true);
  });

  it('sums vLLM metrics over engines and computes the prefix-cache hit rate', () => {
    const metrics = readServerMetrics(
      [
        'vllm:num_requests_running{engine="0"} 2.0',
        'vllm:num_requests_running{engine="1"} 1.0',
        'vllm:num_requests_waiting{engine="0"} 4.0',
        'vllm:kv_cache_usage_perc{engine="0"} 0.25',
        'vllm:kv_cache_usage_perc{engine="1"} 0.75',
        'vllm:prefix_cache_queries_total{engine="0"} 200.0',
        'vllm:prefix_cache_hits_total{engine="0"} 50.0',
      ].join('\n'),
    );
    expect(metrics).toEqual({
      source: 'vllm',
      requestsRunning: 3,
      requestsWaiting: 4,
      kvCacheUsage: 0.5,
      prefixCacheHitRate: 0.25,
    });
  });

  it('gives no metrics for a server that exposes neither vLLM nor SGLang names', () => {
    expect(readServerMetrics('llamacpp:prompt_tokens_total 10\n')).toBeNull();
  });
});

describe('readModels', () => {
  it('reads the OpenAI list, vLLM max_model_len, llama.cpp meta and a models array', () => {
    expect(
      readModels(JSON.stringify({ data: [{ id: 'a', max_model_len: 4096, owned_by: 'vllm' }] })),
    ).toEqual([{ id: 'a', maxModelLen: 4096, ownedBy: 'vllm' }]);
    expect(readModels(JSON.stringify({ data: [{ id: 'b', meta: { n_ctx_train: 32768 } }] }))).toEqual([
      { id: 'b', maxModelLen: 32768 },
    ]);
    expect(readModels(JSON.stringify({ models: [{ name: 'c:latest' }] }))).toEqual([{ id: 'c:latest' }]);
    expect(readModels('not json')).toBeNull();
    expect(rootOf('http://h:8000/v1/')).toBe('http://h:8000');
  });
});

describe('probeEndpoint', () => {
  const servers: TestServer[] = [];
  const start = async (options: Parameters<typeof startTestServer>[0]) => {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('reports a vLLM server as ok with its models, context length and metrics', async () => {
    const server = await start({ dialect: 'vllm', models: ['qwen3-8b', 'qwen3-0.6b'], maxModelLen: 40960 });
    const health = await probeEndpoint({ baseUrl: server.url, kind: 'vllm', timeoutMs: 2_000 });
    expect(health).toMatchObject({ status: 'ok', message: null });
    expect(health.models).toEqual([
      { id: 'qwen3-8b', maxModelLen: 40960, ownedBy: 'trellis-test-server' },
      { id: 'qwen3-0.6b', maxModelLen: 40960, ownedBy: 'trellis-test-server' },
    ]);
    expect(health.metrics).toEqual({
      source: 'vllm',
      requestsRunning: 0,
      requestsWaiting: 0,
      kvCacheUsage: 0,
      prefixCacheHitRate: null,
    });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    const paths = server.requests().map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/health', '/v1/models', '/metrics']));
  });

  it('sees running and waiting requests and the prefix-cache hit rate of an SGLang server', async () => {
    const server = await start({ dialect: 'sglang', models: ['m'], maxConcurrent: 1 });
    server.script([{ reply: { content: 'slow', fault: 'stall_between' } }, { reply: { content: 'queued' } }]);
    const controller = new AbortController();
    const body = (content: string) =>
      JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content }] });
    const post = (content: string) =>
      fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(content),
        signal: controller.signal,
      }).catch(() => null);
    void post('a shared prefix that is long enough to be cached, then one');
    void post('a shared prefix that is long enough to be cached, then two');
    let health = await probeEndpoint({ baseUrl: server.url, kind: 'sglang', timeoutMs: 2_000 });
    for (let i = 0; i < 50 && health.metrics?.requestsWaiting !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      health = await probeEndpoint({ baseUrl: server.url, kind: 'sglang', timeoutMs: 2_000 });
    }
    controller.abort();
    expect(health.metrics).toMatchObject({ source: 'sglang', requestsRunning: 1, requestsWaiting: 1 });
    expect(health.metrics?.prefixCacheHitRate).toBeGreaterThan(0.4);
    expect(health.metrics?.kvCacheUsage).toBeGreaterThan(0);
  });

  it('reports llama.cpp as loading while /health answers 503, then ok with the served context', async () => {
    const server = await start({
      dialect: 'llamacpp',
      models: ['qwen3-8b-q4'],
      loading: true,
      maxModelLen: 8192,
    });
    const loading = await probeEndpoint({ baseUrl: server.url, kind: 'llamacpp', timeoutMs: 2_000 });
    expect(loading.status).toBe('loading');
    expect(loading.message).toMatch(/loading/);
    server.setLoading(false);
    const ready = await probeEndpoint({ baseUrl: server.url, kind: 'llamacpp', timeoutMs: 2_000 });
    expect(ready.status).toBe('ok');
    expect(ready.models).toEqual([{ id: 'qwen3-8b-q4', maxModelLen: 8192, ownedBy: 'trellis-test-server' }]);
    expect(ready.metrics).toBeNull();
  });

  it('reports Ollama as ok although it has no /health', async () => {
    const server = await start({ dialect: 'ollama', models: ['qwen3:8b'] });
    const health = await probeEndpoint({ baseUrl: server.url, kind: 'ollama', timeoutMs: 2_000 });
    expect(health.status).toBe('ok');
    expect(health.models.map((m) => m.id)).toEqual(['qwen3:8b']);
  });

  it('reports a wrong key as unauthorized without repeating it', async () => {
    const server = await start({ dialect: 'openai', models: ['m'], apiKey: KEY });
    const health = await probeEndpoint({
      baseUrl: server.url,
      apiKey: 'sk-wrong-probe-key',
      kind: 'openai',
      timeoutMs: 2_000,
    });
    expect(health.status).toBe('unauthorized');
    expect(health.message).toMatch(/API key/);
    expect(JSON.stringify(health)).not.toContain('sk-wrong-probe-key');
    const right = await probeEndpoint({ baseUrl: server.url, apiKey: KEY, kind: 'openai', timeoutMs: 2_000 });
    expect(right.status).toBe('ok');
  });

  it('reports a server that is not running as down, saying the connection was refused', async () => {
    const port = await freePort();
    const health = await probeEndpoint({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      kind: 'vllm',
      timeoutMs: 2_000,
    });
    expect(health).toMatchObject({ status: 'down', models: [], metrics: null, latencyMs: null });
    expect(health.message).toContain('connection refused');
  });
});

describe('discoverLocalServers', () => {
  it('finds servers on the given ports, guesses their kind and lists their models', async () => {
    const vllm = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    const llamacpp = await startTestServer({ dialect: 'llamacpp', models: ['gguf-model'] });
    const keyed = await startTestServer({ dialect: 'sglang', models: ['hidden'], apiKey: KEY });
    const nothing = await freePort();
    try {
      const found = await discoverLocalServers({
        ports: [
          { port: vllm.port, kind: 'vllm' },
          { port: llamacpp.port, kind: 'other' },
          { port: keyed.port, kind: 'sglang' },
          { port: nothing, kind: 'ollama' },
        ],
        timeoutMs: 1_000,
      });
      expect(found).toEqual([
        {
          baseUrl: vllm.url,
          kind: 'vllm',
          port: vllm.port,
          models: [{ id: 'qwen3-8b', maxModelLen: 32768, ownedBy: 'trellis-test-server' }],
          registered: false,
        },
        {
          baseUrl: llamacpp.url,
          kind: 'llamacpp',
          port: llamacpp.port,
          models: [{ id: 'gguf-model', maxModelLen: 32768, ownedBy: 'trellis-test-server' }],
          registered: false,
        },
        { baseUrl: keyed.url, kind: 'sglang', port: keyed.port, models: [], registered: false },
      ]);
    } finally {
      await Promise.all([vllm.close(), llamacpp.close(), keyed.close()]);
    }
  });
});
