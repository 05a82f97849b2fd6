import {
  type InferenceError,
  type InferenceEvent,
  type PlaygroundRequest,
  requestParams,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import { type InferenceStream, streamChat } from './client.ts';

type Request = z.output<typeof PlaygroundRequest>;

export interface OpenedCompletion {
  /** The first event, naming the model and the endpoint that answer. */
  start: Extract<InferenceEvent, { type: 'start' }>;
  /** The rest of the completion; errors already name the endpoint. */
  events: AsyncGenerator<InferenceEvent, void, undefined>;
  /** Stops the upstream request (idempotent). */
  close(): Promise<void>;
}

function named(error: InferenceError, endpointName: string): InferenceError {
  return { ...error, message: `endpoint '${endpointName}': ${error.message}` };
}

async function* rest(stream: InferenceStream, endpointName: string): AsyncGenerator<InferenceEvent> {
  for await (const event of stream) {
    if (event.type === 'start') continue;
    yield event.type === 'error' ? { type: 'error', error: named(event.error, endpointName) } : event;
  }
}

/**
 * One chat completion from a registered endpoint, as the Playground asks for it: the request's params over the
 * endpoint's defaults (the run contract's merge rule), streamed from the endpoint with its timeouts.
 */
export class PlaygroundService {
  constructor(private readonly endpoints: EndpointRepo) {}

  /**
   * Resolves once the upstream began streaming. A failure before that (refused, unknown model, wrong key…) throws
   * an `upstream` DomainError naming the endpoint and the cause; after it, failures arrive as `error` events.
   * Returns null when `signal` was aborted first (nobody is waiting any more).
   */
  async open(request: Request, signal: AbortSignal): Promise<OpenedCompletion | null> {
    const endpoint = await this.endpoints.get(request.endpointId);
    if (!endpoint) {
      throw new DomainError('not_found', 'not_found', `endpoint '${request.endpointId}' does not exist`);
    }
    const model = request.model ?? endpoint.defaultModel;
    if (!model) {
      throw new DomainError(
        'invalid',
        'invalid_request',
        `no model: the request names none and endpoint '${endpoint.name}' has no default model`,
      );
    }
    const stream = streamChat({
      baseUrl: endpoint.baseUrl,
      apiKey: endpoint.apiKey,
      model,
      messages: request.messages,
      params: requestParams({ endpoint: endpoint.defaultParams, request: request.params }),
      timeouts: endpoint.timeouts,
      signal,
    });
    const close = async () => {
      await stream.return(undefined);
    };
    const first = await stream.next();
    if (signal.aborted) {
      await close();
      return null;
    }
    if (first.done || first.value.type !== 'start') {
      await close();
      const error = named(
        !first.done && first.value.type === 'error'
          ? first.value.error
          : { code: 'malformed_stream', message: 'the stream ended before it began' },
        endpoint.name,
      );
      const details = {
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.vendorType !== undefined ? { vendorType: error.vendorType } : {}),
      };
      throw new DomainError(
        'upstream',
        error.code,
        error.message,
        Object.keys(details).length > 0 ? details : undefined,
      );
    }
    return {
      start: { type: 'start', model, endpointId: endpoint.id },
      events: rest(stream, endpoint.name),
      close,
    };
  }
}
