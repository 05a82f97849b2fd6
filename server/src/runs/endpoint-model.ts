import type { InferenceEvent } from '@trellis/shared';
import type { ChatModel, ModelRequest, ResolvedBinding } from '../engine/model.ts';
import { streamChat } from '../inference/client.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import { Semaphore } from './limiter.ts';

/**
 * Bounds requests in flight per endpoint: enough to keep a server's continuous batching busy, few enough not to
 * flood it. Shared by every run in the process.
 */
export class EndpointLimits {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(private readonly perEndpoint: number) {}

  for(endpointId: string): Semaphore {
    let semaphore = this.semaphores.get(endpointId);
    if (!semaphore) {
      semaphore = new Semaphore(this.perEndpoint);
      this.semaphores.set(endpointId, semaphore);
    }
    return semaphore;
  }
}

/** The engine's model access for one run: registered endpoints, the run's defaults, the shared limits. */
export class EndpointModel implements ChatModel {
  constructor(
    private readonly endpoints: EndpointRepo,
    private readonly limits: EndpointLimits,
    private readonly defaults: { endpointId: string | null; model: string | null },
  ) {}

  resolve(endpointId: string | null, model: string | null): ResolvedBinding {
    const id = endpointId ?? this.defaults.endpointId;
    if (!id) throw new Error('no endpoint bound: choose one for the run or bind one on the node');
    const record = this.endpoints.get(id);
    if (!record) throw new Error(`endpoint '${id}' is not registered`);
    const chosen = model ?? (endpointId === null ? this.defaults.model : null) ?? record.defaultModel;
    if (!chosen)
      throw new Error(`endpoint '${record.name}' has no default model; choose a model for the run`);
    return {
      endpointId: record.id,
      model: chosen,
      endpoint: { id: record.id, name: record.name, baseUrl: record.baseUrl, kind: record.kind },
    };
  }

  async *stream(request: ModelRequest): AsyncIterable<InferenceEvent> {
    const record = this.endpoints.get(request.endpointId);
    if (!record) {
      yield {
        type: 'error',
        error: { code: 'bad_request', message: `endpoint '${request.endpointId}' is no longer registered` },
      };
      return;
    }
    const release = await this.limits.for(record.id).acquire(request.signal);
    try {
      yield* streamChat({
        baseUrl: record.baseUrl,
        apiKey: record.apiKey ?? undefined,
        model: request.model,
        messages: request.messages,
        params: { ...record.defaultParams, ...request.params },
        timeouts: record.timeouts,
        signal: request.signal,
      });
    } finally {
      release();
    }
  }
}
