import { describe, expect, it } from 'vitest';
import { simulatedModelsOf, testDoubleOf } from './TestDoubleNotice.tsx';

describe('test doubles', () => {
  it('tells a served model list by its owner: simulated, scripted, or a real server', () => {
    expect(testDoubleOf([{ id: 'simulated-small', ownedBy: 'trellis-simulated' }])).toBe('simulated');
    expect(testDoubleOf([{ id: 'qwen3-8b', ownedBy: 'trellis-test-server' }])).toBe('scripted');
    expect(testDoubleOf([{ id: 'qwen3-8b', ownedBy: 'vllm' }])).toBeNull();
    expect(testDoubleOf([])).toBeNull();
    expect(testDoubleOf(undefined)).toBeNull();
  });

  it('trusts the owner over the id when the server names one', () => {
    expect(testDoubleOf([{ id: 'simulated-small', ownedBy: 'trellis-test-server' }])).toBe('scripted');
    expect(testDoubleOf([{ id: 'simulated-small' }])).toBe('simulated');
  });

  it('finds the simulated models among those a run called, each once', () => {
    expect(simulatedModelsOf(['qwen3-8b', 'simulated-small', 'simulated-small', 'simulated-large'])).toEqual([
      'simulated-small',
      'simulated-large',
    ]);
    expect(simulatedModelsOf(['qwen3-8b'])).toEqual([]);
  });
});
