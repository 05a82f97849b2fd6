import type { Timings, Usage } from '@trellis/shared';
import { isRecord } from './errors.ts';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** OpenAI-style `usage` (with vLLM's and OpenAI's detail objects) as shared `Usage`. */
export function readUsage(value: unknown): Usage | null {
  if (!isRecord(value)) return null;
  const prompt = count(value.prompt_tokens);
  const completion = count(value.completion_tokens);
  if (prompt === undefined && completion === undefined) return null;
  const usage: Usage = {
    promptTokens: prompt ?? 0,
    completionTokens: completion ?? 0,
    totalTokens: count(value.total_tokens) ?? (prompt ?? 0) + (completion ?? 0),
  };
  const promptDetails = value.prompt_tokens_details;
  const cached = isRecord(promptDetails) ? count(promptDetails.cached_tokens) : undefined;
  if (cached !== undefined) usage.cachedTokens = cached;
  const completionDetails = value.completion_tokens_details;
  const reasoning = isRecord(completionDetails)
    ? count(completionDetails.reasoning_tokens)
    : count(value.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}

/** llama.cpp server's `timings` as shared `Timings`. */
export function readTimings(value: unknown): Timings | null {
  if (!isRecord(value)) return null;
  const timings: Timings = {};
  const fields: [keyof Timings, string][] = [
    ['promptN', 'prompt_n'],
    ['promptMs', 'prompt_ms'],
    ['predictedN', 'predicted_n'],
    ['predictedMs', 'predicted_ms'],
    ['predictedPerSecond', 'predicted_per_second'],
    ['cacheN', 'cache_n'],
  ];
  let any = false;
  for (const [key, wire] of fields) {
    const number = finite(value[wire]);
    if (number !== undefined) {
      timings[key] = number;
      any = true;
    }
  }
  return any ? timings : null;
}

/** What one streamed chunk carries, whatever the dialect. */
export interface ChunkParts {
  content: string | undefined;
  reasoning: string | undefined;
  finishReason: string | undefined;
  stopReason: string | number | null | undefined;
  usage: unknown;
  timings: unknown;
  /** An error reported inside a 200 stream (`{"error": …}` or SGLang's `{"object": "error"}`). */
  error: unknown;
}

/** Reads a `chat.completion.chunk` (first choice only: Trellis asks for one). */
export function readChunk(value: Record<string, unknown>): ChunkParts {
  const parts: ChunkParts = {
    content: undefined,
    reasoning: undefined,
    finishReason: undefined,
    stopReason: undefined,
    usage: value.usage,
    timings: value.timings,
    error: value.error !== undefined && value.error !== null ? value : undefined,
  };
  if (value.object === 'error') parts.error = value;
  const choices = value.choices;
  if (Array.isArray(choices) && choices.length > 0) {
    const choice: unknown = choices[0];
    if (isRecord(choice)) {
      const delta = isRecord(choice.delta)
        ? choice.delta
        : isRecord(choice.message)
          ? choice.message
          : undefined;
      if (delta) {
        if (typeof delta.content === 'string') parts.content = delta.content;
        // vLLM ≥ 0.10 says `reasoning`, older vLLM, SGLang and llama.cpp `reasoning_content`; Ollama `reasoning`.
        const reasoning = delta.reasoning ?? delta.reasoning_content;
        if (typeof reasoning === 'string') parts.reasoning = reasoning;
      }
      if (typeof choice.finish_reason === 'string') parts.finishReason = choice.finish_reason;
      const stop = choice.stop_reason;
      if (typeof stop === 'string' || typeof stop === 'number') parts.stopReason = stop;
    }
  }
  return parts;
}
