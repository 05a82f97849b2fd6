import { z } from 'zod';
import { EndpointId } from './ids.ts';
import { SamplingParams } from './inference.ts';

export const ServerKind = z.enum([
  'vllm',
  'sglang',
  'llamacpp',
  'ollama',
  'lmstudio',
  'openai',
  'tgi',
  'other',
]);
export type ServerKind = z.infer<typeof ServerKind>;

export const EndpointTimeouts = z
  .object({
    /** Time allowed to open the connection and receive response headers. */
    connectMs: z.number().int().min(100).max(600_000),
    /** Time allowed from the request until the first token. */
    firstTokenMs: z.number().int().min(100).max(3_600_000),
    /** Longest silence allowed between two chunks once streaming began. */
    idleMs: z.number().int().min(100).max(3_600_000),
  })
  .strict();
export type EndpointTimeouts = z.infer<typeof EndpointTimeouts>;

export const DEFAULT_TIMEOUTS: EndpointTimeouts = {
  connectMs: 10_000,
  firstTokenMs: 120_000,
  idleMs: 30_000,
};

// shared/ has no DOM or Node globals, so URLs are checked by shape; the server parses them again.
const HTTP_URL = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._~%-]+)(:\d{1,5})?(\/[^\s]*)?$/;

export const BaseUrl = z
  .string()
  .trim()
  .min(1, 'base URL is required')
  .max(2048)
  .refine((value) => HTTP_URL.test(value), {
    message: 'base URL must be an absolute http:// or https:// URL, e.g. http://gpu-host:8000/v1',
  })
  .transform((value) => value.replace(/\/+$/, ''));

export const EndpointName = z.string().trim().min(1, 'name is required').max(80);

export const EndpointInput = z
  .object({
    name: EndpointName,
    baseUrl: BaseUrl,
    kind: ServerKind.default('other'),
    apiKey: z.string().max(4096).optional(),
    defaultModel: z.string().trim().min(1).max(256).optional(),
    defaultParams: SamplingParams.default({}),
    timeouts: EndpointTimeouts.partial().default({}),
    /** Check that the server answers, accepts the key and serves the default model before saving. */
    verify: z.boolean().default(true),
  })
  .strict();
export type EndpointInput = z.input<typeof EndpointInput>;
export type EndpointInputParsed = z.output<typeof EndpointInput>;

/** A partial edit. `apiKey: null` clears the key; an omitted key keeps it. */
/** `POST /endpoints/verify`: checks a server before it is saved. */
export const EndpointVerifyRequest = z
  .object({
    baseUrl: EndpointInput.shape.baseUrl,
    apiKey: z.string().max(4096).optional(),
    model: z.string().trim().min(1).max(256).optional(),
  })
  .strict();
export type EndpointVerifyRequest = z.infer<typeof EndpointVerifyRequest>;

export const EndpointPatch = z
  .object({
    name: EndpointName,
    baseUrl: BaseUrl,
    kind: ServerKind,
    apiKey: z.string().max(4096).nullable(),
    defaultModel: z.string().trim().min(1).max(256).nullable(),
    defaultParams: SamplingParams,
    timeouts: EndpointTimeouts.partial(),
    verify: z.boolean(),
  })
  .partial()
  .strict();
export type EndpointPatch = z.input<typeof EndpointPatch>;

/** An endpoint as the browser sees it: the key itself never leaves the server. */
export const Endpoint = z.object({
  id: EndpointId,
  name: z.string(),
  baseUrl: z.string(),
  kind: ServerKind,
  hasApiKey: z.boolean(),
  /** The key's last four characters behind bullets, or null. */
  apiKeyPreview: z.string().nullable(),
  defaultModel: z.string().nullable(),
  defaultParams: SamplingParams,
  timeouts: EndpointTimeouts,
  /** `config` endpoints were declared at start-up and are edited where they were declared. */
  source: z.enum(['store', 'config']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const ServedModel = z.object({
  id: z.string(),
  maxModelLen: z.number().int().positive().optional(),
  ownedBy: z.string().optional(),
});
export type ServedModel = z.infer<typeof ServedModel>;

/** One thing verification established (`passed`) or could not establish (`unchecked`, `detail` says why). */
export const VerificationCheck = z.object({
  /** `server`: it answers with a model list; `api_key`: a request that needs the key got past authentication;
   * `model`: the default model is among those served. */
  subject: z.enum(['server', 'api_key', 'model']),
  result: z.enum(['passed', 'unchecked']),
  /** What was asked and what the server answered, or why it was not asked, in one sentence. */
  detail: z.string(),
});
export type VerificationCheck = z.infer<typeof VerificationCheck>;

/** What was checked before an endpoint was saved; a failed check is an error instead. */
export const EndpointVerification = z.object({
  checks: z.array(VerificationCheck),
  models: z.array(ServedModel),
});
export type EndpointVerification = z.infer<typeof EndpointVerification>;

/** What registering or editing an endpoint answers: the endpoint, and its verification (null when skipped). */
export const SavedEndpoint = Endpoint.extend({ verification: EndpointVerification.nullable() });
export type SavedEndpoint = z.infer<typeof SavedEndpoint>;

export const ServerMetrics = z.object({
  source: z.enum(['vllm', 'sglang']),
  requestsRunning: z.number().nullable(),
  requestsWaiting: z.number().nullable(),
  /** 0..1 */
  kvCacheUsage: z.number().nullable(),
  /** 0..1, hits / queries since the server started; null before any query. */
  prefixCacheHitRate: z.number().nullable(),
});
export type ServerMetrics = z.infer<typeof ServerMetrics>;

export const HealthStatus = z.enum(['ok', 'loading', 'unauthorized', 'down']);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const EndpointHealth = z.object({
  status: HealthStatus,
  checkedAt: z.string(),
  latencyMs: z.number().nullable(),
  /** Why the endpoint is not ok, in words a person can act on. */
  message: z.string().nullable(),
  models: z.array(ServedModel),
  metrics: ServerMetrics.nullable(),
});
export type EndpointHealth = z.infer<typeof EndpointHealth>;

export const DiscoveredServer = z.object({
  baseUrl: z.string(),
  kind: ServerKind,
  port: z.number().int(),
  models: z.array(ServedModel),
  /** Whether an endpoint with this base URL is already registered. */
  registered: z.boolean(),
});
export type DiscoveredServer = z.infer<typeof DiscoveredServer>;
