import { z } from 'zod';

export const ChatRole = z.enum(['system', 'user', 'assistant', 'tool']);
export type ChatRole = z.infer<typeof ChatRole>;

export const ChatMessage = z.object({
  role: ChatRole,
  content: z.string().max(2_000_000),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/**
 * Sampling parameters. Named ones are validated; anything in `extra` is passed through untouched
 * (vendor-specific knobs such as `structured_outputs` or `min_tokens`).
 */
export const SamplingParams = z
  .object({
    temperature: z.number().min(0).max(2),
    top_p: z.number().gt(0).max(1),
    top_k: z.number().int().min(-1),
    min_p: z.number().min(0).max(1),
    repetition_penalty: z.number().gt(0).max(10),
    presence_penalty: z.number().min(-2).max(2),
    frequency_penalty: z.number().min(-2).max(2),
    max_tokens: z.number().int().positive().max(1_000_000),
    seed: z.number().int(),
    stop: z.array(z.string().min(1)).max(16),
    chat_template_kwargs: z.record(z.string(), z.unknown()),
    extra: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export type SamplingParams = z.infer<typeof SamplingParams>;

export const Usage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

/** llama.cpp server's per-response `timings`. */
export const Timings = z.object({
  promptN: z.number().optional(),
  promptMs: z.number().optional(),
  predictedN: z.number().optional(),
  predictedMs: z.number().optional(),
  predictedPerSecond: z.number().optional(),
  cacheN: z.number().optional(),
});
export type Timings = z.infer<typeof Timings>;

/** Every way a generation can fail, as a code a program can branch on. */
export const InferenceErrorCode = z.enum([
  'invalid_url',
  'connection_refused',
  'dns_failure',
  'connection_lost',
  'first_token_timeout',
  'idle_timeout',
  'unauthorized',
  'model_not_found',
  'bad_request',
  'rate_limited',
  'server_error',
  'stream_error',
  'malformed_stream',
  'aborted',
]);
export type InferenceErrorCode = z.infer<typeof InferenceErrorCode>;

export const InferenceError = z.object({
  code: InferenceErrorCode,
  /** A sentence a person can act on: what failed, where, and what to check. */
  message: z.string(),
  /** HTTP status from the inference server, when there was one. */
  status: z.number().int().optional(),
  /** The vendor's own error type or code, when it gave one. */
  vendorType: z.string().optional(),
});
export type InferenceError = z.infer<typeof InferenceError>;

export const FinishReason = z.string().nullable();

/**
 * One normalised stream of a chat completion, whatever the vendor dialect. A stream ends with exactly one
 * `done` or one `error`.
 */
export const InferenceEvent = z.discriminatedUnion('type', [
  /** The server accepted the request and began streaming. */
  z.object({
    type: z.literal('start'),
    model: z.string().optional(),
    /** When the headers arrived, by this server's clock (epoch ms); not relayed to the browser. */
    at: z.number().optional(),
    /** The endpoint that answers, when the stream is relayed by Trellis (the Playground). */
    endpointId: z.string().optional(),
  }),
  /** A fragment of the answer. */
  z.object({ type: z.literal('delta'), text: z.string() }),
  /** A fragment of the model's reasoning (reasoning field, reasoning_content, or <think> in content). */
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  /** Token counts, from the usage chunk or the final chunk. */
  z.object({ type: z.literal('usage'), usage: Usage }),
  /** llama.cpp server timings. */
  z.object({ type: z.literal('timings'), timings: Timings }),
  /** The generation finished normally. */
  z.object({
    type: z.literal('done'),
    finishReason: FinishReason,
    stopReason: z.union([z.string(), z.number()]).nullable().optional(),
    ttftMs: z.number().nullable(),
    latencyMs: z.number(),
    completionTokens: z.number().int().nonnegative(),
  }),
  /** The generation failed; nothing more follows. */
  z.object({ type: z.literal('error'), error: InferenceError }),
]);
export type InferenceEvent = z.infer<typeof InferenceEvent>;
