import type { LlmBinding, TokenBudget } from '../graph/nodes/common.ts';
import type { SamplingParams } from '../inference.ts';

/** Params that hold a map of their own: a layer adds or replaces keys in it instead of replacing the map. */
const MERGED_BY_KEY = new Set(['extra', 'chat_template_kwargs']);

const defined = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

/**
 * The one rule for layering sampling params, lowest layer first: a later layer's value replaces an earlier one's
 * (`stop` included: lists are replaced, not joined), except `extra` and `chat_template_kwargs`, which merge key by
 * key one level deep. A key a layer leaves out, or sets to undefined, keeps what the layers below said.
 */
export function mergeParams(...layers: readonly (SamplingParams | undefined)[]): SamplingParams {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      merged[key] = MERGED_BY_KEY.has(key)
        ? {
            ...(merged[key] as Record<string, unknown> | undefined),
            ...defined(value as Record<string, unknown>),
          }
        : value;
    }
  }
  return merged as SamplingParams;
}

/**
 * What a node asks for: its own params, its output budget as `max_tokens`, and its thinking toggle as
 * `chat_template_kwargs.enable_thinking`. The toggle is always sent, true or false, so it decides thinking over
 * an `enable_thinking` in the node's params or in the endpoint's defaults; the other template kwargs of both
 * still reach the request.
 */
export function nodeParams(node: {
  llm: Pick<LlmBinding, 'params' | 'thinking'>;
  budget: TokenBudget;
}): SamplingParams {
  return mergeParams(node.llm.params, {
    max_tokens: node.budget.maxOutputTokens,
    chat_template_kwargs: { enable_thinking: node.llm.thinking },
  });
}

/**
 * The params a chat request is sent with, in the Playground and in runs alike: the request's own over the node's
 * (runs) over the endpoint's defaults.
 */
export function requestParams(layers: {
  endpoint: SamplingParams;
  node?: Parameters<typeof nodeParams>[0] | undefined;
  request?: SamplingParams | undefined;
}): SamplingParams {
  return mergeParams(layers.endpoint, layers.node && nodeParams(layers.node), layers.request);
}
