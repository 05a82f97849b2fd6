import type { EndpointHealth, InferenceError, ServedModel, ServerKind, ServerMetrics } from '@trellis/shared';
import {
  checkBaseUrl,
  describeBase,
  httpError,
  isRecord,
  networkError,
  redact,
  redactError,
} from './errors.ts';
import { metricMean, metricSum, type PromSample, parsePrometheus } from './prometheus.ts';

const BODY_LIMIT = 4 * 1024 * 1024;

export type GetResult =
  | { ok: true; status: number; body: string; contentType: string; ms: number }
  | { ok: false; error: InferenceError };

/** A GET with a hard time limit that turns every failure into an `InferenceError`. */
export async function getText(
  url: string,
  apiKey: string | null | undefined,
  timeoutMs: number,
): Promise<GetResult> {
  const startedAt = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const base = url.replace(/\/(models|health|metrics|props)$/, '');
  try {
    const response = await fetch(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      ok: true,
      status: response.status,
      body: text.length > BODY_LIMIT ? text.slice(0, BODY_LIMIT) : text,
      contentType: response.headers.get('content-type') ?? '',
      ms: performance.now() - startedAt,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        ok: false,
        error: {
          code: 'connection_refused',
          message: `${describeBase(base)} did not answer within ${timeoutMs} ms — check the address, the port and any firewall`,
        },
      };
    }
    return { ok: false, error: redactError(networkError(error, base, false), apiKey) };
  } finally {
    clearTimeout(timer);
  }
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `/v1/models` in the shapes servers use: OpenAI's `data` (vLLM `max_model_len`, llama.cpp `meta`), or `models`. */
export function readModels(body: string): ServedModel[] | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  const list = Array.isArray(value.data) ? value.data : Array.isArray(value.models) ? value.models : null;
  if (!list) return null;
  const models: ServedModel[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const id = [entry.id, entry.model, entry.name].find(
      (v): v is string => typeof v === 'string' && v !== '',
    );
    if (!id) continue;
    const meta = isRecord(entry.meta) ? entry.meta : undefined;
    const maxModelLen =
      positiveInt(entry.max_model_len) ??
      positiveInt(entry.max_context_length) ??
      positiveInt(entry.context_length) ??
      positiveInt(meta?.n_ctx_train);
    const model: ServedModel = { id };
    if (maxModelLen !== undefined) model.maxModelLen = maxModelLen;
    if (typeof entry.owned_by === 'string') model.ownedBy = entry.owned_by;
    if (!models.some((m) => m.id === id)) models.push(model);
  }
  return models;
}

/** vLLM or SGLang engine metrics from Prometheus text, or null when it has neither. */
export function readServerMetrics(text: string): ServerMetrics | null {
  const samples: PromSample[] = parsePrometheus(text);
  const has = (prefix: string) => samples.some((s) => s.name.startsWith(prefix));
  if (has('vllm:')) {
    const queries = metricSum(samples, 'vllm:prefix_cache_queries');
    const hits = metricSum(samples, 'vllm:prefix_cache_hits');
    return {
      source: 'vllm',
      requestsRunning: metricSum(samples, 'vllm:num_requests_running'),
      requestsWaiting: metricSum(samples, 'vllm:num_requests_waiting'),
      // Renamed from gpu_cache_usage_perc in vLLM 0.10.
      kvCacheUsage:
        metricMean(samples, 'vllm:kv_cache_usage_perc') ?? metricMean(samples, 'vllm:gpu_cache_usage_perc'),
      prefixCacheHitRate: queries !== null && hits !== null && queries > 0 ? hits / queries : null,
    };
  }
  if (has('sglang:')) {
    const hitRate = metricMean(samples, 'sglang:cache_hit_rate');
    return {
      source: 'sglang',
      requestsRunning: metricSum(samples, 'sglang:num_running_reqs'),
      requestsWaiting: metricSum(samples, 'sglang:num_queue_reqs'),
      kvCacheUsage: metricMean(samples, 'sglang:token_usage'),
      prefixCacheHitRate: hitRate,
    };
  }
  return null;
}

/** The server root: the base URL without its trailing `/v1`. */
export function rootOf(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export interface ProbeOptions {
  baseUrl: string;
  apiKey?: string | null;
  kind: ServerKind;
  timeoutMs: number;
}

/**
 * Checks an endpoint's health without generating anything: `GET /health`, `GET {base}/models` and, for vLLM and
 * SGLang (or an unknown kind), Prometheus `GET /metrics`, all at once.
 */
export async function probeEndpoint(options: ProbeOptions): Promise<EndpointHealth> {
  const checkedAt = new Date().toISOString();
  const health = (
    status: EndpointHealth['status'],
    message: string | null,
    extra: Partial<EndpointHealth> = {},
  ) => ({
    status,
    checkedAt,
    latencyMs: null,
    message: message === null ? null : redact(message, options.apiKey),
    models: [],
    metrics: null,
    ...extra,
  });
  const checked = checkBaseUrl(options.baseUrl);
  if ('error' in checked) return health('down', checked.error.message);
  const base = options.baseUrl.replace(/\/+$/, '');
  const root = rootOf(base);
  const where = describeBase(base);
  const wantsMetrics = options.kind === 'vllm' || options.kind === 'sglang' || options.kind === 'other';
  const [healthResult, modelsResult, metricsResult, propsResult] = await Promise.all([
    getText(`${root}/health`, options.apiKey, options.timeoutMs),
    getText(`${base}/models`, options.apiKey, options.timeoutMs),
    wantsMetrics ? getText(`${root}/metrics`, options.apiKey, options.timeoutMs) : null,
    options.kind === 'llamacpp' ? getText(`${root}/props`, options.apiKey, options.timeoutMs) : null,
  ]);

  let metrics: ServerMetrics | null = null;
  if (metricsResult?.ok && metricsResult.status === 200) metrics = readServerMetrics(metricsResult.body);

  if (!modelsResult.ok) {
    if (healthResult.ok && healthResult.status === 503) {
      return health('loading', `${where} is up but still loading its model`, { metrics });
    }
    return health('down', modelsResult.error.message);
  }
  const latencyMs = Math.round(modelsResult.ms * 10) / 10;
  if (modelsResult.status === 401 || modelsResult.status === 403) {
    const error = httpError(modelsResult.status, modelsResult.body, {
      baseUrl: base,
      request: 'GET /models',
      sentKey: Boolean(options.apiKey),
    });
    return health('unauthorized', error.message, { latencyMs, metrics });
  }
  if ((healthResult.ok && healthResult.status === 503) || modelsResult.status === 503) {
    return health('loading', `${where} is up but still loading its model (HTTP 503)`, { latencyMs, metrics });
  }
  if (modelsResult.status !== 200) {
    const error = httpError(modelsResult.status, modelsResult.body, {
      baseUrl: base,
      request: 'GET /models',
      sentKey: Boolean(options.apiKey),
    });
    return health('down', error.message, { latencyMs, metrics });
  }
  const models = readModels(modelsResult.body);
  if (models === null) {
    return health(
      'down',
      `${where}/models did not answer with a model list — is this an OpenAI-compatible base URL?`,
      {
        latencyMs,
        metrics,
      },
    );
  }
  // llama.cpp's /v1/models gives the training context; /props has the context the server was started with.
  if (propsResult?.ok && propsResult.status === 200) {
    const nCtx = readPropsContext(propsResult.body);
    if (nCtx !== undefined) for (const model of models) model.maxModelLen = nCtx;
  }
  return health('ok', models.length === 0 ? `${where} serves no models` : null, {
    latencyMs,
    models,
    metrics,
  });
}

function readPropsContext(body: string): number | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (!isRecord(value)) return undefined;
    const settings = value.default_generation_settings;
    return positiveInt(isRecord(settings) ? settings.n_ctx : undefined) ?? positiveInt(value.n_ctx);
  } catch {
    return undefined;
  }
}
