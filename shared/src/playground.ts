import { z } from 'zod';
import { EndpointId } from './ids.ts';
import { ChatMessage, SamplingParams } from './inference.ts';

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

// The Playground streams `InferenceEvent`s as SSE (`event: <type>`, `data: <json>`): the first, `start`, names the
// model and the endpoint; a stream ends with exactly one `done` or `error`. Heartbeats are SSE comments.
