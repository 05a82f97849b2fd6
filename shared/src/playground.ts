import { z } from 'zod';
import { EndpointId } from './ids.ts';
import { ChatMessage, InferenceError, SamplingParams, Timings, Usage } from './inference.ts';

export const PlaygroundRequest = z
  .object({
    endpointId: EndpointId,
    /** Falls back to the endpoint's default model. */
    model: z.string().trim().min(1).max(256).optional(),
    messages: z.array(ChatMessage).min(1, 'at least one message is required').max(1000),
    /** Merged over the endpoint's default params. */
    params: SamplingParams.default({}),
  })
  .strict();
export type PlaygroundRequest = z.input<typeof PlaygroundRequest>;

/**
 * Events of the playground's SSE stream (`event: <type>`, `data: <json>`). Heartbeats are SSE comments.
 * A stream ends with exactly one `done` or `error`.
 */
export const PlaygroundEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), model: z.string(), endpointId: z.string() }),
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({ type: z.literal('usage'), usage: Usage }),
  z.object({ type: z.literal('timings'), timings: Timings }),
  z.object({
    type: z.literal('done'),
    finishReason: z.string().nullable(),
    ttftMs: z.number().nullable(),
    latencyMs: z.number(),
    completionTokens: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('error'), error: InferenceError }),
]);
export type PlaygroundEvent = z.infer<typeof PlaygroundEvent>;
