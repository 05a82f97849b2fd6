import { describe, expect, it } from 'vitest';
import { describeChange } from './describeChange.ts';

describe('describeChange', () => {
  it('reads a change line by line: version, settings, run default, overrides', () => {
    const lines = describeChange(
      {
        graphVersionId: 'gv_1',
        nodes: { corrector: { 'prompts.user': 'a\nb\nc', trigger: 'always' } },
        overrides: { agent: { model: 'm2' } },
        endpointId: 'ep',
      },
      (id) => (id === 'ep' ? 'Simulated' : id),
    );
    expect(lines).toEqual([
      'graph version gv_1',
      'corrector.prompts.user = 3 lines',
      'corrector.trigger = "always"',
      'run default: endpoint Simulated',
      'agent: model m2',
    ]);
  });
});
