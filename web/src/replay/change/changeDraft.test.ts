import { preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { changeOf, EMPTY_DRAFT, isEmptyChange, nodeSettings, settingChanges } from './changeDraft.ts';

function withCorrectorPrompt(text: string) {
  const base = preset('three-roles').graph;
  const corrector = base.nodes.find((n) => n.id === 'corrector');
  if (corrector?.kind !== 'corrector') throw new Error('the preset has a corrector');
  const prompts = { ...corrector.config.prompts, user: text };
  const edited = { ...corrector, config: { ...corrector.config, prompts } };
  return { base, draft: { ...EMPTY_DRAFT, nodes: { corrector: edited } as typeof EMPTY_DRAFT.nodes } };
}

describe('a change draft', () => {
  it('names each edited setting by node id and field key', () => {
    const { base, draft } = withCorrectorPrompt('Code:\n{{code}}');
    const changes = settingChanges(base, draft);
    expect(changes.map((c) => c.path)).toEqual(['nodes.corrector.prompts.user']);
    expect(nodeSettings(changes)).toEqual({ corrector: { 'prompts.user': 'Code:\n{{code}}' } });
  });

  it('sends only the overrides that choose something, and the version when another is picked', () => {
    const base = preset('three-roles').graph;
    const change = changeOf(base, {
      ...EMPTY_DRAFT,
      versionId: 'gv_other',
      overrides: {
        agent: { endpointId: 'ep1', model: null },
        corrector: { endpointId: null, model: null },
      },
    });
    expect(change).toEqual({
      graphVersionId: 'gv_other',
      nodes: {},
      overrides: { agent: { endpointId: 'ep1' } },
    });
  });

  it('knows an untouched draft changes nothing', () => {
    expect(isEmptyChange(changeOf(preset('three-roles').graph, EMPTY_DRAFT))).toBe(true);
    const { base, draft } = withCorrectorPrompt('x');
    expect(isEmptyChange(changeOf(base, draft))).toBe(false);
  });
});
