import { describe, expect, it } from 'vitest';
import { roleSlices, rolesOf } from './roleSplit.ts';
import { arm } from './testReport.ts';

const role = (name: string, tokenShare: number, timeShare: number) => ({
  role: name,
  calls: 1,
  promptTokens: 1,
  completionTokens: 1,
  durationMs: 1,
  tokenShare,
  timeShare,
});

describe('cost by role', () => {
  it('orders roles as a turn visits them and leaves out roles with nothing', () => {
    const byRole = [
      role('corrector', 0.2, 0.3),
      role('agent', 0.5, 0.6),
      role('summarizer', 0.3, 0),
      role('x-old', 0, 0.1),
    ];
    expect(roleSlices(byRole, 'tokenShare').map((s) => s.role)).toEqual(['summarizer', 'agent', 'corrector']);
    expect(roleSlices(byRole, 'timeShare')).toEqual([
      { role: 'agent', share: 0.6 },
      { role: 'corrector', share: 0.3 },
      { role: 'x-old', share: 0.1 },
    ]);
  });

  it('lists every role any arm used once, for the legend', () => {
    const a = arm(0, 0.5, 100);
    const b = arm(1, 0.5, 100);
    a.cost.byRole = [role('agent', 1, 1)];
    b.cost.byRole = [role('corrector', 0.5, 0.5), role('agent', 0.5, 0.5)];
    expect(rolesOf([a, b])).toEqual(['agent', 'corrector']);
  });
});
