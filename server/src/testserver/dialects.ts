import { TEST_SERVER_OWNER } from '@trellis/shared';

/** The inference servers the scripted test server can imitate, as far as Trellis can tell them apart. */
export type Dialect = 'vllm' | 'sglang' | 'llamacpp' | 'ollama' | 'openai' | 'tgi';
export const DIALECTS: readonly Dialect[] = ['vllm', 'sglang', 'llamacpp', 'ollama', 'openai', 'tgi'];

/** Every `/v1/models` entry says so, so nobody mistakes the test server for a real one. */
export const OWNED_BY = TEST_SERVER_OWNER;

export type ErrorKind = 'auth' | 'not_found' | 'bad_request' | 'server' | 'loading' | 'rate_limited';

export interface HttpReply {
  status: number;
  contentType: string;
  body: string;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface DialectSpec {
  /** Where reasoning goes; `null` puts it in the content inside `<think>…</think>`. */
  reasoningField: 'reasoning' | 'reasoning_content' | null;
  /** llama.cpp puts usage (and `timings`) on the final choice chunk instead of a separate chunk. */
  usageOnLastChunk: boolean;
  timings: boolean;
  /** llama.cpp keeps the stream alive with SSE comments. */
  pings: boolean;
  /** vLLM reports `stop_reason` beside `finish_reason`. */
  stopReason: boolean;
  metrics: 'vllm' | 'sglang' | null;
  errorBody(kind: ErrorKind, status: number, message: string): unknown;
  /** The `data:` payload of an error after HTTP 200. */
  streamError(message: string): unknown;
  health(loading: boolean): HttpReply;
  modelEntry(id: string, created: number, maxModelLen: number): Record<string, unknown>;
}

const json = (status: number, value: unknown): HttpReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});
const empty = (status: number): HttpReply => ({ status, contentType: 'text/plain', body: '' });

const VLLM_TYPES: Record<ErrorKind, string> = {
  auth: 'Unauthorized',
  not_found: 'NotFoundError',
  bad_request: 'BadRequestError',
  server: 'InternalServerError',
  loading: 'ServiceUnavailableError',
  rate_limited: 'TooManyRequestsError',
};

const OPENAI_TYPES: Record<ErrorKind, string> = {
  auth: 'invalid_request_error',
  not_found: 'invalid_request_error',
  bad_request: 'invalid_request_error',
  server: 'server_error',
  loading: 'server_error',
  rate_limited: 'rate_limit_exceeded',
};

const LLAMACPP_TYPES: Record<ErrorKind, string> = {
  auth: 'authentication_error',
  not_found: 'not_found_error',
  bad_request: 'invalid_request_error',
  server: 'server_error',
  loading: 'unavailable_error',
  rate_limited: 'unavailable_error',
};

const TGI_TYPES: Record<ErrorKind, string> = {
  auth: 'authentication',
  not_found: 'not_found',
  bad_request: 'validation',
  server: 'generation',
  loading: 'unhealthy',
  rate_limited: 'overloaded',
};

const baseModel = (id: string, created: number) => ({ id, object: 'model', created, owned_by: OWNED_BY });

export const DIALECT_SPECS: Record<Dialect, DialectSpec> = {
  vllm: {
    reasoningField: 'reasoning',
    usageOnLastChunk: false,
    timings: false,
    pings: false,
    stopReason: true,
    metrics: 'vllm',
    errorBody: (kind, status, message) => ({
      error: { message, type: VLLM_TYPES[kind], param: null, code: status },
    }),
    streamError: (message) => ({ error: { message, type: 'InternalServerError', param: null, code: 500 } }),
    health: (loading) => empty(loading ? 503 : 200),
    modelEntry: (id, created, maxModelLen) => ({
      ...baseModel(id, created),
      root: id,
      parent: null,
      max_model_len: maxModelLen,
      permission: [],
    }),
  },
  sglang: {
    reasoningField: 'reasoning_content',
    usageOnLastChunk: false,
    timings: false,
    pings: false,
    stopReason: false,
    metrics: 'sglang',
    errorBody: (kind, status, message) => ({
      object: 'error',
      message,
      type: VLLM_TYPES[kind],
      param: null,
      code: status,
    }),
    streamError: (message) => ({
      object: 'error',
      message,
      type: 'InternalServerError',
      param: null,
      code: 500,
    }),
    health: (loading) => empty(loading ? 503 : 200),
    modelEntry: (id, created, maxModelLen) => ({
      ...baseModel(id, created),
      root: id,
      max_model_len: maxModelLen,
    }),
  },
  llamacpp: {
    reasoningField: 'reasoning_content',
    usageOnLastChunk: true,
    timings: true,
    pings: true,
    stopReason: false,
    metrics: null,
    errorBody: (kind, status, message) => ({ error: { code: status, message, type: LLAMACPP_TYPES[kind] } }),
    streamError: (message) => ({ error: { code: 500, message, type: 'server_error' } }),
    health: (loading) =>
      loading
        ? json(503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } })
        : json(200, { status: 'ok' }),
    modelEntry: (id, created, maxModelLen) => ({
      ...baseModel(id, created),
      meta: {
        vocab_type: 2,
        n_vocab: 151936,
        n_ctx_train: maxModelLen,
        n_embd: 4096,
        n_params: 8_190_735_360,
      },
    }),
  },
  ollama: {
    reasoningField: 'reasoning',
    usageOnLastChunk: false,
    timings: false,
    pings: false,
    stopReason: false,
    metrics: null,
    errorBody: (kind, _status, message) => ({
      error: {
        message,
        type: kind === 'server' ? 'api_error' : 'invalid_request_error',
        param: null,
        code: null,
      },
    }),
    streamError: (message) => ({ error: { message, type: 'api_error', param: null, code: null } }),
    // Ollama has no /health; `GET /` says it is running.
    health: () => ({ status: 404, contentType: 'text/plain', body: '404 page not found' }),
    modelEntry: (id, created) => baseModel(id, created),
  },
  openai: {
    reasoningField: null,
    usageOnLastChunk: false,
    timings: false,
    pings: false,
    stopReason: false,
    metrics: null,
    errorBody: (kind, _status, message) => ({
      error: {
        message,
        type: OPENAI_TYPES[kind],
        param: null,
        code: kind === 'not_found' ? 'model_not_found' : kind === 'auth' ? 'invalid_api_key' : null,
      },
    }),
    streamError: (message) => ({ error: { message, type: 'server_error', param: null, code: null } }),
    health: () => json(404, { error: { message: 'Not found', type: 'invalid_request_error', param: null } }),
    modelEntry: (id, created) => baseModel(id, created),
  },
  tgi: {
    reasoningField: null,
    usageOnLastChunk: false,
    timings: false,
    pings: false,
    stopReason: false,
    metrics: null,
    errorBody: (kind, _status, message) => ({ error: message, error_type: TGI_TYPES[kind] }),
    streamError: (message) => ({ error: message, error_type: 'generation' }),
    health: (loading) => empty(loading ? 503 : 200),
    modelEntry: (id, created) => baseModel(id, created),
  },
};

/** What each dialect says when asked for a model it does not serve. */
export function unknownModelMessage(dialect: Dialect, model: string, served: string[]): string {
  switch (dialect) {
    case 'vllm':
      return `The model \`${model}\` does not exist.`;
    case 'sglang':
      return `The model '${model}' does not exist. Served: ${served.join(', ')}`;
    case 'llamacpp':
      return `model '${model}' not found`;
    case 'ollama':
      return `model "${model}" not found, try pulling it first`;
    case 'openai':
      return `The model \`${model}\` does not exist or you do not have access to it.`;
    case 'tgi':
      return `Model '${model}' not found`;
  }
}

/** What each dialect says about a missing or wrong key; OpenAI quotes the key it got. */
export function unauthorizedMessage(dialect: Dialect, presented: string | null): string {
  if (dialect === 'openai') {
    return presented
      ? `Incorrect API key provided: ${presented}. You can find your API key in your account settings.`
      : "You didn't provide an API key.";
  }
  if (dialect === 'llamacpp') return 'Invalid API Key';
  return 'Unauthorized';
}

export interface MetricsSnapshot {
  model: string;
  running: number;
  waiting: number;
  kvCacheUsage: number;
  prefixQueries: number;
  prefixHits: number;
}

/** Prometheus text as vLLM (counters with `_total`) or SGLang expose it. */
export function metricsText(kind: 'vllm' | 'sglang', m: MetricsSnapshot): string {
  if (kind === 'vllm') {
    const labels = `{engine="0",model_name="${m.model}"}`;
    return [
      '# HELP vllm:num_requests_running Number of requests in model execution batches.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running${labels} ${m.running.toFixed(1)}`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting${labels} ${m.waiting.toFixed(1)}`,
      '# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.',
      '# TYPE vllm:kv_cache_usage_perc gauge',
      `vllm:kv_cache_usage_perc${labels} ${m.kvCacheUsage}`,
      '# HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.',
      '# TYPE vllm:prefix_cache_queries_total counter',
      `vllm:prefix_cache_queries_total${labels} ${m.prefixQueries.toFixed(1)}`,
      '# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.',
      '# TYPE vllm:prefix_cache_hits_total counter',
      `vllm:prefix_cache_hits_total${labels} ${m.prefixHits.toFixed(1)}`,
      '',
    ].join('\n');
  }
  const labels = `{model_name="${m.model}"}`;
  const rate = m.prefixQueries > 0 ? m.prefixHits / m.prefixQueries : 0;
  return [
    '# HELP sglang:num_running_reqs The number of running requests.',
    '# TYPE sglang:num_running_reqs gauge',
    `sglang:num_running_reqs${labels} ${m.running.toFixed(1)}`,
    '# HELP sglang:num_queue_reqs The number of requests in the waiting queue.',
    '# TYPE sglang:num_queue_reqs gauge',
    `sglang:num_queue_reqs${labels} ${m.waiting.toFixed(1)}`,
    '# HELP sglang:token_usage The token usage.',
    '# TYPE sglang:token_usage gauge',
    `sglang:token_usage${labels} ${m.kvCacheUsage}`,
    '# HELP sglang:cache_hit_rate The prefix cache hit rate.',
    '# TYPE sglang:cache_hit_rate gauge',
    `sglang:cache_hit_rate${labels} ${rate}`,
    '',
  ].join('\n');
}
