import type { ChatMessage, Usage } from '../inference.ts';
import type { RoleTotals } from '../trace.ts';
import type { ChargedTokens } from './charged-tokens.ts';

/** The estimate used when a server reports no usage: about four characters a token. */
export const CHARS_PER_TOKEN = 4;

export { ChargedTokens } from './charged-tokens.ts';

/** Characters of a request's messages, what the prompt estimate is made from. */
export function promptChars(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + m.content.length, 0);
}

/**
 * What a call is charged. Reported usage when the server sent it; otherwise both counts are estimated, the prompt
 * from the characters sent and the completion from the characters received. A call that failed is charged the
 * same way: the server may have read the whole prompt and written part of an answer before it failed, and a
 * budget should rather count too much than too little.
 */
export function chargeCall(call: {
  usage: Usage | null;
  promptChars: number;
  outputChars: number;
}): ChargedTokens {
  if (call.usage) {
    return {
      prompt: call.usage.promptTokens,
      completion: call.usage.completionTokens,
      cached: call.usage.cachedTokens ?? 0,
      estimated: false,
    };
  }
  return {
    prompt: Math.ceil(call.promptChars / CHARS_PER_TOKEN),
    completion: Math.ceil(call.outputChars / CHARS_PER_TOKEN),
    cached: 0,
    estimated: true,
  };
}

/** Tokens a call spends from node and run budgets: everything read and written. */
export function chargedTotal(charged: Pick<ChargedTokens, 'prompt' | 'completion'>): number {
  return charged.prompt + charged.completion;
}

/** Adds one call to a role's totals, in place. */
export function addCall(totals: RoleTotals, charged: ChargedTokens, durationMs: number): RoleTotals {
  totals.calls++;
  totals.promptTokens += charged.prompt;
  totals.completionTokens += charged.completion;
  totals.durationMs += durationMs;
  return totals;
}

export const emptyRoleTotals = (): RoleTotals => ({
  calls: 0,
  promptTokens: 0,
  completionTokens: 0,
  durationMs: 0,
});
