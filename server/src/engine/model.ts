import type { ChatMessage, InferenceEvent, SamplingParams } from '@trellis/shared';
import type { RequestLabels } from '../inference/labels.ts';

/** One chat request, exactly as it is to be sent: the params already carry the endpoint's defaults. */
export interface ModelRequest {
  endpointId: string;
  model: string;
  messages: ChatMessage[];
  params: SamplingParams;
  signal: AbortSignal;
  /** The run, node, role, step and seed the call belongs to. */
  labels?: RequestLabels;
}

export interface ResolvedBinding {
  endpointId: string;
  model: string;
  /** Shown in the trace (never secrets). */
  endpoint: { id: string; name: string; baseUrl: string; kind: string };
  /** The endpoint's default params, the lowest layer of every request's params (see requestParams). */
  defaultParams: SamplingParams;
}

/**
 * How the engine reaches models. The server's implementation streams from registered endpoints with a
 * per-endpoint concurrency bound; tests and benchmarks pass their own.
 */
export interface ChatModel {
  /**
   * Resolves a node's binding to a concrete endpoint and model, or throws (rejects with) an Error naming what is
   * missing. Asynchronous where the endpoints are read from the store; a record answers at once.
   */
  resolve(endpointId: string | null, model: string | null): ResolvedBinding | Promise<ResolvedBinding>;
  stream(request: ModelRequest): AsyncIterable<InferenceEvent>;
}
