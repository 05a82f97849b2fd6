import { ExperimentRequest } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { fit, labelled } from './names.ts';

describe('names of experiments made for searches and optimisations', () => {
  it('keeps short text, and cuts long text to the limit with an ellipsis', () => {
    expect(fit('round 2: lower temperature', 60)).toBe('round 2: lower temperature');
    expect(fit('x'.repeat(61), 60)).toBe(`${'x'.repeat(59)}…`);
    expect(fit('x'.repeat(61), 60)).toHaveLength(60);
  });

  it('shortens the owner’s name, never what the experiment is, so a 120-character name still makes a valid experiment', () => {
    const name = labelled('n'.repeat(120), 'confirmation on test', 120);
    expect(name).toHaveLength(120);
    expect(name.endsWith('… · confirmation on test')).toBe(true);
    const request = ExperimentRequest.safeParse({
      name,
      arms: [{ graphVersionId: 'gv_1', label: fit(labelled('n'.repeat(120), 'round 12', 120), 60) }],
      tasks: { ids: ['notes_pin_1'] },
    });
    expect(request.success).toBe(true);
  });
});
