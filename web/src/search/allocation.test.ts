import { describe, expect, it } from 'vitest';
import { describeAllocation, describeKnobValue, describeNodeKnobs } from './allocation.ts';

describe('describeAllocation', () => {
  it('labels each node sorted by id, its knobs in the canonical order, as the server does', () => {
    expect(
      describeAllocation({
        summarizer: { keepLastTurns: 2, summarizerThreshold: 4000 },
        agent: { maxOutputTokens: 512, model: { endpointId: 'sim', model: 'simulated-large' } },
      }),
    ).toBe('agent: simulated-large, 512 tok · summarizer: at 4000 tok, keep 2');
  });

  it('says so when the allocation sets nothing, and leaves out nodes with no knob set', () => {
    expect(describeAllocation({})).toBe('(the graph as saved)');
    expect(describeAllocation({ agent: {}, corrector: { correctorTrigger: 'always' } })).toBe(
      'corrector: always',
    );
  });

  it('writes flags and temperatures in words', () => {
    expect(describeNodeKnobs({ thinking: false, temperature: 0.7 })).toBe('no thinking, T 0.7');
    expect(describeKnobValue('thinking', true)).toBe('thinking');
  });
});
