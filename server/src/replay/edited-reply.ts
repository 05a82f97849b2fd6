import type { InferenceEvent } from '@trellis/shared';
import type { ChatModel, ModelRequest, ResolvedBinding } from '../engine/model.ts';

/**
 * The live model of a fork whose step-k reply was edited: the first agent call at that step is answered with the
 * edit (no request is sent, no token charged, `finishReason: 'edited'`), every other call goes to the live model.
 */
export class EditedReplyModel implements ChatModel {
  private used = false;

  constructor(
    private readonly live: ChatModel,
    private readonly step: number,
    private readonly reply: string,
  ) {}

  resolve(endpointId: string | null, model: string | null): ResolvedBinding | Promise<ResolvedBinding> {
    return this.live.resolve(endpointId, model);
  }

  async *stream(request: ModelRequest): AsyncIterable<InferenceEvent> {
    if (this.used || request.labels?.step !== this.step || request.labels.role !== 'agent') {
      yield* this.live.stream(request);
      return;
    }
    this.used = true;
    yield { type: 'start', model: request.model, at: Date.now() };
    yield { type: 'delta', text: this.reply };
    yield { type: 'usage', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
    yield { type: 'done', finishReason: 'edited', ttftMs: 0, latencyMs: 0, completionTokens: 0 };
  }
}
