import { describe, expect, it } from 'vitest';
import { addCall, chargeCall, chargedTotal, emptyRoleTotals, promptChars } from './charging.ts';

describe('charging a call', () => {
  it('charges the usage the server reported, cached tokens as part of the prompt', () => {
    const charged = chargeCall({
      usage: { promptTokens: 1200, completionTokens: 80, totalTokens: 1280, cachedTokens: 1024 },
      promptChars: 99_999,
      outputChars: 99_999,
    });
    expect(charged).toEqual({ prompt: 1200, completion: 80, cached: 1024, estimated: false });
    expect(chargedTotal(charged)).toBe(1280);
  });

  it('counts no cached tokens when the server does not say', () => {
    expect(
      chargeCall({
        usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 },
        promptChars: 0,
        outputChars: 0,
      }).cached,
    ).toBe(0);
  });

  it('estimates four characters a token, rounded up, when no usage was reported', () => {
    const messages = [
      { role: 'system' as const, content: 'You are an agent.' }, // 17
      { role: 'user' as const, content: 'Go' }, // 2
    ];
    expect(promptChars(messages)).toBe(19);
    expect(chargeCall({ usage: null, promptChars: 19, outputChars: 8 })).toEqual({
      prompt: 5,
      completion: 2,
      cached: 0,
      estimated: true,
    });
  });

  it('charges a call that failed before any output for its prompt alone', () => {
    expect(chargeCall({ usage: null, promptChars: 400, outputChars: 0 })).toEqual({
      prompt: 100,
      completion: 0,
      cached: 0,
      estimated: true,
    });
  });

  it('adds calls to a role: calls, prompt and completion tokens, duration', () => {
    const totals = emptyRoleTotals();
    addCall(totals, { prompt: 100, completion: 20, cached: 0, estimated: false }, 300);
    addCall(totals, { prompt: 5, completion: 2, cached: 0, estimated: true }, 200);
    expect(totals).toEqual({ calls: 2, promptTokens: 105, completionTokens: 22, durationMs: 500 });
  });
});
