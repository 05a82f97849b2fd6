import { randomUUID } from 'node:crypto';
import type {
  ChatMessage,
  InferenceError,
  LlmBinding,
  RunEventBody,
  SamplingParams,
  TokenBudget,
  Usage,
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
}

/** Raised when a model call fails: the run ends `errored` with this cause. */
export class InferenceFailure extends Error {
  constructor(readonly error: InferenceError) {
    super(error.message);
  }
}

/**
 * One model call for a node: records the exact request, streams coalesced deltas, records the full response, and
 * charges the tokens to the node and the run.
 */
export async function callModel(
  deps: LlmCallDeps,
  state: RunState,
  node: { id: string; kind: string; llm: LlmBinding; budget: TokenBudget },
  messages: ChatMessage[],
): Promise<LlmCallResult> {
  const binding = deps.model.resolve(node.llm.endpointId, node.llm.model);
  const params: SamplingParams = {
    ...node.llm.params,
    max_tokens: node.budget.maxOutputTokens,
    chat_template_kwargs: { ...node.llm.params.chat_template_kwargs, enable_thinking: node.llm.thinking },
  };
  const callId = randomUUID();
  const step = state.step;
  deps.emit({
    type: 'llm.request',
    step,
    nodeId: node.id,
    role: node.kind,
    callId,
    endpointId: binding.endpointId,
    model: binding.model,
    messages,
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
  });

  const promptTokens =
    usage?.promptTokens ?? Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const completionTokens = usage?.completionTokens ?? Math.ceil((text.length + reasoning.length) / 4);
  state.llmCalls++;
  state.tokensUsed += promptTokens + completionTokens;
  state.tokensByNode.set(node.id, (state.tokensByNode.get(node.id) ?? 0) + promptTokens + completionTokens);
  const totals = state.byRole[node.kind] ?? { calls: 0, promptTokens: 0, completionTokens: 0, durationMs: 0 };
  state.byRole[node.kind] = totals;
  totals.calls++;
  totals.promptTokens += promptTokens;
  totals.completionTokens += completionTokens;
  totals.durationMs += latencyMs;

  if (error) throw new InferenceFailure(error);
  return { text, reasoning, usage, error, finishReason };
}

/** Whether a node has spent its run budget. */
export function overBudget(state: RunState, nodeId: string, budget: TokenBudget): boolean {
  return budget.maxTotalTokens !== null && (state.tokensByNode.get(nodeId) ?? 0) >= budget.maxTotalTokens;
}
