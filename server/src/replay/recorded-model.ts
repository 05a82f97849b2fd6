import {
  type BindingChoice,
  bindNode,
  type ChatMessage,
  callsModel,
  canonicalJson,
  type Graph,
  type InferenceEvent,
  nodeParams,
  type RequestDivergence,
  type RunEvent,
  type RunEventOf,
  type SamplingParams,
} from '@trellis/shared';
import { messagesHash } from '../engine/llm-call.ts';
import type { ChatModel, ModelRequest, ResolvedBinding } from '../engine/model.ts';
import type { RunRecord } from './record.ts';

type TraceEndpoint = ResolvedBinding['endpoint'];

/** One recorded model call: the request as sent and its response (null when the run stopped during it). */
export interface RecordedCall {
  request: RunEventOf<'llm.request'>;
  response: RunEventOf<'llm.response'> | null;
}

/** The record's model calls, in the order they were made. */
export function recordedCalls(events: readonly RunEvent[]): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const byId = new Map<string, RecordedCall>();
  for (const event of events) {
    if (event.type === 'llm.request') {
      const call = { request: event, response: null };
      calls.push(call);
      byId.set(event.callId, call);
    } else if (event.type === 'llm.response') {
      const call = byId.get(event.callId);
      if (call) call.response = event;
    }
  }
  return calls;
}

/** A request that differs from the recorded one in a way that matters: the recorded model refuses it. */
export class RecordDivergence extends Error {
  constructor(readonly divergence: RequestDivergence) {
    super(`replay diverged from the record at step ${divergence.step}: ${divergence.message}`);
    this.name = 'RecordDivergence';
  }
}

/** The record has nothing more to answer with: the recorded run stopped here. */
export class RecordEnded extends Error {
  constructor(readonly step: number) {
    super(`the record ends at step ${step}, where the recorded run stopped`);
    this.name = 'RecordEnded';
  }
}

export interface RecordedModelOptions {
  /** The recorded run's graph with its overrides applied, and its run defaults: how its nodes were bound. */
  graph: Graph;
  defaults: BindingChoice;
  /** The whole record of the run. */
  events: readonly RunEvent[];
  /** Answer only the calls made from this step… */
  fromStep?: number;
  /** …and before this one (a fork's recorded part, or one segment of a fork's record). */
  untilStep?: number;
  /**
   * Strict (replay): a request that differs from the recorded one is refused with a RecordDivergence. Lenient
   * (a fork's recorded steps): the difference is kept as a finding and the recorded answer given all the same; only
   * a call by another node than the record's is refused, since the record then has no answer for it.
   */
  strict: boolean;
  /** Told when the record runs out where the recorded run was stopped, before RecordEnded is thrown. */
  onRecordEnd?: (step: number) => void;
}

/** Keys a node's own params set: the rest of a recorded request's params came from the endpoint's defaults. */
function endpointPart(recorded: SamplingParams, own: SamplingParams): SamplingParams {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(recorded)) {
    const mine = (own as Record<string, unknown>)[key];
    if (key === 'extra' || key === 'chat_template_kwargs') {
      const sub = Object.entries(value as Record<string, unknown>).filter(
        ([k]) => !(mine && k in (mine as Record<string, unknown>)),
      );
      if (sub.length > 0) rest[key] = Object.fromEntries(sub);
    } else if (mine === undefined) {
      rest[key] = value;
    }
  }
  return rest as SamplingParams;
}

function firstDifferentMessage(recorded: readonly ChatMessage[], replayed: readonly ChatMessage[]) {
  for (let i = 0; i < Math.max(recorded.length, replayed.length); i++) {
    if (canonicalJson(recorded[i] ?? null) !== canonicalJson(replayed[i] ?? null)) {
      return { index: i, recorded: recorded[i] ?? null, replayed: replayed[i] ?? null };
    }
  }
  return null;
}

/**
 * A ChatModel that answers every call from a run's record, in order, and sends nothing anywhere. Bindings resolve
 * to what the record shows (the endpoint and model each node called, the endpoint defaults its params carried), so
 * a replay needs none of the run's endpoints to be registered any more.
 */
export class RecordedModel implements ChatModel {
  private readonly calls: RecordedCall[];
  private readonly endpoints = new Map<string, TraceEndpoint>();
  private readonly defaultModels = new Map<string, string>();
  private readonly defaultParams = new Map<string, SamplingParams>();
  private next = 0;
  /** Lenient mode: requests that differed from the record but were answered from it. */
  readonly findings: RequestDivergence[] = [];
  /** Strict mode: the request refused, once one was. */
  divergence: RequestDivergence | null = null;

  constructor(private readonly options: RecordedModelOptions) {
    const from = options.fromStep ?? 1;
    const until = options.untilStep ?? Number.POSITIVE_INFINITY;
    this.calls = recordedCalls(options.events).filter(
      (call) => call.request.step >= from && call.request.step < until,
    );
    this.learnBindings();
  }

  /** Calls answered so far. */
  get answered(): number {
    return this.next;
  }

  /** The endpoints, endpoint default models and endpoint default params the record shows. */
  private learnBindings(): void {
    for (const event of this.options.events) {
      if (event.type === 'run.started') for (const e of event.endpoints) this.endpoints.set(e.id, e);
    }
    const nodes = new Map(this.options.graph.nodes.map((n) => [n.id, n]));
    for (const { request } of this.calls) {
      if (request.endpoint) this.endpoints.set(request.endpointId, request.endpoint);
      const node = nodes.get(request.nodeId);
      if (!node || !callsModel(node)) continue;
      const chosen = bindNode(
        { endpointId: node.config.llm.endpointId, model: node.config.llm.model },
        this.options.defaults,
      );
      if (chosen.model === null && !this.defaultModels.has(request.endpointId)) {
        this.defaultModels.set(request.endpointId, request.model);
      }
      const known = this.defaultParams.get(request.endpointId) ?? {};
      const part = endpointPart(request.params, nodeParams(node.config));
      this.defaultParams.set(request.endpointId, { ...part, ...known });
    }
  }

  resolve(endpointId: string | null, model: string | null): ResolvedBinding {
    const chosen = bindNode({ endpointId, model }, this.options.defaults);
    if (!chosen.endpointId) throw new Error('no endpoint bound in the recorded run');
    const endpoint = this.endpoints.get(chosen.endpointId);
    if (!endpoint) throw new Error(`endpoint '${chosen.endpointId}' does not appear in the record`);
    const resolved =
      chosen.model ??
      this.defaultModels.get(endpoint.id) ??
      this.calls.find((c) => c.request.endpointId === endpoint.id)?.request.model;
    if (!resolved) throw new Error(`the record shows no model called on endpoint '${endpoint.name}'`);
    return {
      endpointId: endpoint.id,
      model: resolved,
      endpoint,
      defaultParams: this.defaultParams.get(endpoint.id) ?? {},
    };
  }

  /** How the request differs from the recorded one, if it does. */
  private compare(call: RecordedCall, request: ModelRequest, step: number): RequestDivergence | null {
    const recorded = call.request;
    const nodeId = request.labels?.nodeId ?? recorded.nodeId;
    const base = { step, nodeId };
    if (recorded.model !== request.model) {
      return {
        ...base,
        field: 'model',
        message: `node '${nodeId}' asked model '${request.model}' where the record asked '${recorded.model}'`,
        recorded: recorded.model,
        replayed: request.model,
      };
    }
    if (canonicalJson(recorded.params) !== canonicalJson(request.params)) {
      return {
        ...base,
        field: 'params',
        message: `node '${nodeId}' sent other params than the record`,
        recorded: recorded.params,
        replayed: request.params,
      };
    }
    const recordedHash = recorded.messagesHash ?? messagesHash(recorded.messages);
    if (recordedHash !== messagesHash(request.messages)) {
      const first = firstDifferentMessage(recorded.messages, request.messages);
      return {
        ...base,
        field: 'messages',
        message: `node '${nodeId}' sent other messages than the record${first ? ` (message ${first.index + 1} differs)` : ''}`,
        recorded: first?.recorded ?? recordedHash,
        replayed: first?.replayed ?? messagesHash(request.messages),
      };
    }
    return null;
  }

  private refuse(divergence: RequestDivergence): never {
    this.divergence = divergence;
    throw new RecordDivergence(divergence);
  }

  private end(step: number): never {
    this.options.onRecordEnd?.(step);
    throw new RecordEnded(step);
  }

  async *stream(request: ModelRequest): AsyncIterable<InferenceEvent> {
    const step = request.labels?.step ?? 0;
    const nodeId = request.labels?.nodeId ?? '';
    const call = this.calls[this.next];
    if (!call) {
      if (this.options.onRecordEnd) this.end(step);
      this.refuse({
        step,
        nodeId,
        field: 'extra_call',
        message: `node '${nodeId}' asked for a model call the record does not have`,
        recorded: null,
        replayed: { nodeId, model: request.model },
      });
    }
    if (call.request.nodeId !== nodeId) {
      this.refuse({
        step,
        nodeId,
        field: 'node',
        message: `node '${nodeId}' called a model where the record has a call by '${call.request.nodeId}' (step ${call.request.step})`,
        recorded: call.request.nodeId,
        replayed: nodeId,
      });
    }
    const differs = this.compare(call, request, step);
    if (differs && this.options.strict) this.refuse(differs);
    const response = call.response;
    if (!response || response.error?.code === 'aborted') this.end(step);
    if (differs) this.findings.push(differs);
    this.next++;
    yield { type: 'start', model: request.model, at: Date.now() };
    if (response.reasoning) yield { type: 'reasoning', text: response.reasoning };
    if (response.text) yield { type: 'delta', text: response.text };
    if (response.usage) yield { type: 'usage', usage: response.usage };
    if (response.error) {
      yield { type: 'error', error: response.error };
      return;
    }
    yield {
      type: 'done',
      finishReason: response.finishReason,
      ttftMs: response.ttftMs,
      latencyMs: response.latencyMs,
      completionTokens: response.usage?.completionTokens ?? 0,
    };
  }
}

/** A recorded model for each graph that recorded part of a run, in step order, up to `untilStep`. */
export function recordedPhases(
  record: Pick<RunRecord, 'segments' | 'events'>,
  options: { untilStep?: number; strict: boolean; onRecordEnd?: (step: number) => void },
): { untilStep: number; graph: Graph; model: RecordedModel }[] {
  const until = options.untilStep ?? Number.POSITIVE_INFINITY;
  return record.segments
    .filter((segment) => segment.fromStep < until)
    .map((segment, i, all) => {
      const untilStep = Math.min(segment.untilStep, until);
      const last = i === all.length - 1;
      return {
        untilStep,
        graph: segment.graph,
        model: new RecordedModel({
          graph: segment.graph,
          defaults: segment.defaults,
          events: record.events,
          fromStep: segment.fromStep,
          untilStep,
          strict: options.strict,
          ...(last && options.onRecordEnd ? { onRecordEnd: options.onRecordEnd } : {}),
        }),
      };
    });
}
