import { createHash, randomUUID } from 'node:crypto';
import {
  addCall,
  type ChargedTokens,
  type ChatMessage,
  canonicalJson,
  chargeCall,
  chargedTotal,
  emptyRoleTotals,
  type InferenceError,
  type LlmBinding,
  type NodeKind,
  promptChars,
  type RunEventBody,
  requestParams,
  type TokenBudget,
  type Usage,
} from '@trellis/shared';
import type { ChatModel } from './model.ts';
import type { RunState } from './state.ts';

export interface LlmCallResult {
  text: string;
  reasoning: string;
  usage: Usage | null;
  error: InferenceError | null;
  finishReason: string | null;
}

export interface LlmCallDeps {
  model: ChatModel;
  emit: (body: RunEventBody) => void;
  signal: AbortSignal;
  /** Deltas are coalesced over this window before they are emitted (0 emits none). */
  deltaWindowMs: number;
  /** The run a call belongs to, sent with each request. */
  run: { runId?: string | undefined; seed: number };
}

/** Raised when a model call fails: the run ends `errored` with this cause. */
export class InferenceFailure extends Error {
  constructor(readonly error: InferenceError) {
    super(error.message);
  }
}

/** sha256 (hex) of the messages' canonical JSON: what `llm.request.messagesHash` holds. */
export function messagesHash(messages: readonly ChatMessage[]): string {
  return createHash('sha256').update(canonicalJson(messages)).digest('hex');
}

/** Adds a call's charge to the node, its role and the run. */
function charge(
  state: RunState,
  node: { id: string; kind: string },
  charged: ChargedTokens,
  latencyMs: number,
) {
  const tokens = chargedTotal(charged);
  state.llmCalls++;
  state.tokensUsed += tokens;
  state.tokensByNode.set(node.id, (state.tokensByNode.get(node.id) ?? 0) + tokens);
  state.byRole[node.kind] = addCall(state.byRole[node.kind] ?? emptyRoleTotals(), charged, latencyMs);
}

/**
 * One model call for a node: records the request as it is sent, streams coalesced deltas, records the full
 * response with the tokens it is charged, and charges them to the node and the run.
 */
export async function callModel(
  deps: LlmCallDeps,
  state: RunState,
  node: { id: string; kind: NodeKind; llm: LlmBinding; budget: TokenBudget },
  messages: ChatMessage[],
): Promise<LlmCallResult> {
  const binding = await deps.model.resolve(node.llm.endpointId, node.llm.model);
  const params = requestParams({ endpoint: binding.defaultParams, node });
  const callId = randomUUID();
  const step = state.step;
  deps.emit({
    type: 'llm.request',
    step,
    nodeId: node.id,
    role: node.kind,
    callId,
    endpointId: binding.endpointId,
    endpoint: binding.endpoint,
    model: binding.model,
    messages,
    messagesHash: messagesHash(messages),
    params,
  });

  let text = '';
  let reasoning = '';
  let usage: Usage | null = null;
  let error: InferenceError | null = null;
  let finishReason: string | null = null;
  let ttftMs: number | null = null;
  let latencyMs = 0;
  const started = performance.now();

  let pendingText = '';
  let pendingReasoning = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pendingText === '' && pendingReasoning === '') return;
    deps.emit({
      type: 'llm.delta',
      step,
      nodeId: node.id,
      callId,
      text: pendingText,
      reasoning: pendingReasoning,
    });
    pendingText = '';
    pendingReasoning = '';
  };
  const schedule = () => {
    if (deps.deltaWindowMs > 0 && timer === null) timer = setTimeout(flush, deps.deltaWindowMs);
  };

  try {
    for await (const event of deps.model.stream({
      endpointId: binding.endpointId,
      model: binding.model,
      messages,
      params,
      signal: deps.signal,
      labels: { ...deps.run, nodeId: node.id, role: node.kind, step, callId },
    })) {
      switch (event.type) {
        case 'delta':
          text += event.text;
          pendingText += event.text;
          schedule();
          break;
        case 'reasoning':
          reasoning += event.text;
          pendingReasoning += event.text;
          schedule();
          break;
        case 'usage':
          usage = event.usage;
          break;
        case 'done':
          finishReason = event.finishReason;
          ttftMs = event.ttftMs;
          latencyMs = event.latencyMs;
          break;
        case 'error':
          error = event.error;
          break;
        default:
          break;
      }
    }
  } finally {
    if (timer !== null) clearTimeout(timer);
    if (deps.deltaWindowMs > 0) flush();
  }
  if (latencyMs === 0) latencyMs = performance.now() - started;

  const charged = chargeCall({
    usage,
    promptChars: promptChars(messages),
    outputChars: text.length + reasoning.length,
  });
  deps.emit({
    type: 'llm.response',
    step,
    nodeId: node.id,
    role: node.kind,
    callId,
    text,
    reasoning,
    usage,
    ttftMs,
    latencyMs,
    finishReason,
    error,
    charged,
  });
  charge(state, node, charged, latencyMs);

  if (error) throw new InferenceFailure(error);
  return { text, reasoning, usage, error, finishReason };
}

/** Whether a node has spent its run budget. */
export function overBudget(state: RunState, nodeId: string, budget: TokenBudget): boolean {
  return budget.maxTotalTokens !== null && (state.tokensByNode.get(nodeId) ?? 0) >= budget.maxTotalTokens;
}
