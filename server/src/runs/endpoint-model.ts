import { type BindingChoice, bindNode, type InferenceEvent, resolveBinding } from '@trellis/shared';
import type { ChatModel, ModelRequest, ResolvedBinding } from '../engine/model.ts';
import { streamChat } from '../inference/client.ts';
import { labelHeaders } from '../inference/labels.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import { Semaphore } from './limiter.ts';

/** Where a model request waits for its turn at an endpoint. */
export interface RequestLimits {
  for(endpointId: string): { acquire(signal?: AbortSignal): Promise<() => void> };
}

/**
 * Bounds requests in flight per endpoint: enough to keep a server's continuous batching busy, few enough not to
 * flood it. Shared by every run in the process (a team's workers share theirs through the database instead:
 * team/endpoint-slots.ts).
 */
export class EndpointLimits implements RequestLimits {
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
    private readonly limits: RequestLimits,
    private readonly defaults: BindingChoice,
  ) {}

  async resolve(endpointId: string | null, model: string | null): Promise<ResolvedBinding> {
    // The binding rule looks its endpoint up synchronously: read the one it will ask for first.
    const chosen = bindNode({ endpointId, model }, this.defaults).endpointId;
    const found = chosen === null ? null : await this.endpoints.get(chosen);
    const resolved = resolveBinding({ endpointId, model }, this.defaults, () => found);
    const record = resolved.endpoint;
    return {
      endpointId: record.id,
      model: resolved.model,
      endpoint: { id: record.id, name: record.name, baseUrl: record.baseUrl, kind: record.kind },
      defaultParams: record.defaultParams,
    };
  }

  async *stream(request: ModelRequest): AsyncIterable<InferenceEvent> {
    const record = await this.endpoints.get(request.endpointId);
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
        params: request.params,
        ...(request.labels ? { headers: labelHeaders(request.labels) } : {}),
        timeouts: record.timeouts,
        signal: request.signal,
      });
    } finally {
      release();
    }
  }
}
