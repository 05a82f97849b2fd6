import type { Attributes } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import type { ChatMessage, RunEventOf, SamplingParams } from '@trellis/shared';
import { GEN_AI } from './semconv.ts';

/** An endpoint as the trace records it: never its key. */
export interface TracedEndpoint {
  baseUrl: string;
  kind: string;
}

/** `server.address` and `server.port` of an endpoint: host and port only, never a path, query or user. */
export function serverAttributes(baseUrl: string): Attributes {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return {};
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { [ATTR_SERVER_ADDRESS]: url.hostname, [ATTR_SERVER_PORT]: port };
}

/** The request parameters the conventions name; vendor extras are left out. */
export function paramAttributes(params: SamplingParams): Attributes {
  const attributes: Attributes = { [GEN_AI.requestStream]: true };
  const set = (name: string, value: number | string[] | undefined) => {
    if (value !== undefined) attributes[name] = value;
  };
  set(GEN_AI.requestTemperature, params.temperature);
  set(GEN_AI.requestTopP, params.top_p);
  set(GEN_AI.requestTopK, params.top_k);
  set(GEN_AI.requestMaxTokens, params.max_tokens);
  set(GEN_AI.requestSeed, params.seed);
  set(GEN_AI.requestStopSequences, params.stop);
  set(GEN_AI.requestPresencePenalty, params.presence_penalty);
  set(GEN_AI.requestFrequencyPenalty, params.frequency_penalty);
  return attributes;
}

/** The conventions' message shape: a role and its parts. */
function inputMessages(messages: readonly ChatMessage[]): string {
  return JSON.stringify(
    messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] })),
  );
}

function outputMessages(response: RunEventOf<'llm.response'>): string {
  const parts = [
    ...(response.reasoning ? [{ type: 'reasoning', content: response.reasoning }] : []),
    { type: 'text', content: response.text },
  ];
  return JSON.stringify([
    { role: 'assistant', parts, ...(response.finishReason ? { finish_reason: response.finishReason } : {}) },
  ]);
}

/** A model call's request: what was asked of whom, and with `content` the messages. */
export function chatRequestAttributes(
  request: RunEventOf<'llm.request'>,
  endpoint: TracedEndpoint | undefined,
  content: boolean,
): Attributes {
  return {
    [GEN_AI.requestModel]: request.model,
    // The endpoint's kind: the conventions list hosted vendors (`openai`); a self-hosted server is named by what
    // it is (`vllm`, `sglang`, `llamacpp`, `ollama`, …), which is what a reader filters on.
    ...(endpoint ? { [GEN_AI.providerName]: endpoint.kind } : {}),
    ...(endpoint ? serverAttributes(endpoint.baseUrl) : {}),
    ...paramAttributes(request.params),
    ...(content ? { [GEN_AI.inputMessages]: inputMessages(request.messages) } : {}),
  };
}

/**
 * A model call's outcome. Usage only as the server reported it (a cached count only when it gave one: unknown is
 * not 0); a call charged an estimate says so instead of passing the estimate off as a count.
 */
export function chatResponseAttributes(response: RunEventOf<'llm.response'>, content: boolean): Attributes {
  const attributes: Attributes = {};
  const { usage } = response;
  if (usage) {
    attributes[GEN_AI.usageInputTokens] = usage.promptTokens;
    attributes[GEN_AI.usageOutputTokens] = usage.completionTokens;
    if (usage.cachedTokens !== undefined) attributes[GEN_AI.usageCacheReadInputTokens] = usage.cachedTokens;
    if (usage.reasoningTokens !== undefined) {
      attributes[GEN_AI.usageReasoningOutputTokens] = usage.reasoningTokens;
    }
  } else if (response.charged) {
    attributes['trellis.usage.estimated'] = true;
    attributes['trellis.charged.input_tokens'] = response.charged.prompt;
    attributes['trellis.charged.output_tokens'] = response.charged.completion;
  }
  if (response.finishReason) attributes[GEN_AI.responseFinishReasons] = [response.finishReason];
  if (response.ttftMs !== null) attributes[GEN_AI.responseTimeToFirstChunk] = response.ttftMs / 1000;
  if (response.error) attributes[ATTR_ERROR_TYPE] = response.error.code;
  if (content && !response.error) attributes[GEN_AI.outputMessages] = outputMessages(response);
  return attributes;
}

/** An environment action's outcome; with `content` the code and what it printed. */
export function actionAttributes(action: RunEventOf<'action.executed'>, content: boolean): Attributes {
  return {
    'trellis.action.ok': action.ok,
    'trellis.action.completed': action.completed,
    'trellis.action.api_calls': action.apiCalls.length,
    'trellis.action.api_errors': action.apiCalls.filter((call) => call.status >= 400).length,
    ...(action.ok ? {} : { [ATTR_ERROR_TYPE]: action.code === '' ? 'no_code' : 'action_error' }),
    ...(content
      ? { [GEN_AI.toolCallArguments]: action.code, [GEN_AI.toolCallResult]: action.observation }
      : {}),
  };
}

/** How the run ended and what it spent (charged tokens, as the run's totals count them). */
export function runOutcomeAttributes(finished: RunEventOf<'run.finished'>): Attributes {
  const { totals, evaluation } = finished;
  return {
    'trellis.run.status': finished.status,
    'trellis.run.steps': totals.steps,
    'trellis.run.llm_calls': totals.llmCalls,
    'trellis.run.input_tokens': totals.promptTokens,
    'trellis.run.output_tokens': totals.completionTokens,
    ...(evaluation
      ? {
          'trellis.evaluation.success': evaluation.success,
          'trellis.evaluation.tests': evaluation.numTests,
          'trellis.evaluation.passed': evaluation.passes.length,
        }
      : {}),
  };
}
