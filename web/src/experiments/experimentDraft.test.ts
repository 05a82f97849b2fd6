import { ablationArms, type WorldTaskSummary } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import {
  armDraftFrom,
  type ExperimentDraft,
  emptyDraft,
  matchingTasks,
  parseTaskIds,
  removeArm,
  toRequest,
  unknownTaskIds,
} from './experimentDraft.ts';

const task = (
  id: string,
  difficulty: 1 | 2 | 3,
  split: 'dev' | 'test',
  apps: string[],
): WorldTaskSummary => ({
  id: id as WorldTaskSummary['id'],
  scenario: id.replace(/_\d+$/, ''),
  split,
  difficulty,
  apps,
  instruction: '',
});

const TASKS = [
  task('a_1', 1, 'dev', ['spotify']),
  task('a_2', 2, 'dev', ['spotify', 'venmo']),
  task('b_1', 3, 'test', ['gmail']),
];

function draft(change: Partial<ExperimentDraft> = {}): ExperimentDraft {
  const base = emptyDraft();
  return {
    ...base,
    arms: [{ ...base.arms[0]!, source: { kind: 'preset', preset: 'three-roles' } }],
    ...change,
  };
}

describe('the create form', () => {
  it('sends a preset arm with its endpoint and model, and leaves filters that narrow nothing out', () => {
    const base = draft();
    const result = toRequest({
      ...base,
      name: '  ablation ',
      arms: [{ ...base.arms[0]!, endpointId: 'ep1', model: 'qwen3-8b', label: ' three ' }],
    });
    expect(result.problems).toEqual([]);
    expect(result.request).toEqual({
      name: 'ablation',
      arms: [{ preset: 'three-roles', label: 'three', endpointId: 'ep1', model: 'qwen3-8b' }],
      tasks: { suite: 'builtin', split: 'dev' },
      repeats: 1,
      limits: { concurrencyPerEndpoint: 8, tokenBudget: null },
      baselineArm: 0,
    });
  });

  it('sends a saved graph by its version, and a model only with an endpoint', () => {
    const base = draft();
    const result = toRequest({
      ...base,
      arms: [
        { ...base.arms[0]!, source: { kind: 'graph', graphId: 'g', versionId: 'gv_1' }, model: 'stale' },
      ],
    });
    expect(result.request?.arms).toEqual([{ graphVersionId: 'gv_1' }]);
  });

  it('narrows by the difficulties and apps ticked, or names tasks outright', () => {
    const filtered = toRequest(
      draft({ tasks: { mode: 'filter', split: null, difficulty: [3, 1], apps: ['spotify'], ids: '' } }),
    );
    expect(filtered.request?.tasks).toEqual({ suite: 'builtin', difficulty: [1, 3], apps: ['spotify'] });
    const named = toRequest(
      draft({ tasks: { mode: 'ids', split: 'dev', difficulty: [], apps: [], ids: 'a_1, b_1\na_1' } }),
    );
    expect(named.request?.tasks).toEqual({ suite: 'builtin', ids: ['a_1', 'b_1'] });
  });

  it('reads the limits, with a token budget typed with separators', () => {
    const result = toRequest(draft({ repeats: '3', concurrency: '16', tokenBudget: '2,000,000' }));
    expect(result.request?.repeats).toBe(3);
    expect(result.request?.limits).toEqual({ concurrencyPerEndpoint: 16, tokenBudget: 2_000_000 });
  });

  it('names every problem instead of sending', () => {
    const base = emptyDraft();
    const result = toRequest({
      ...base,
      repeats: '0',
      concurrency: 'x',
      tokenBudget: '-5',
      tasks: { ...base.tasks, difficulty: [] },
    });
    expect(result.request).toBeNull();
    expect(result.problems).toEqual([
      'Arm 1: choose a preset or a saved graph.',
      'Tick at least one difficulty.',
      'Repeats must be a whole number from 1 to 20.',
      'Concurrency per endpoint must be a whole number from 1 to 256.',
      `The token budget must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}.`,
    ]);
    expect(
      toRequest(draft({ tasks: { mode: 'ids', split: null, difficulty: [], apps: [], ids: ' ' } })).problems,
    ).toEqual(['Name at least one task id.']);
  });

  it('fills the ablation template as four preset arms on one endpoint, the plain agent first', () => {
    const arms = ablationArms({ endpointId: 'ep1', model: 'm' }).map(armDraftFrom);
    expect(arms.map((a) => a.source)).toEqual([
      { kind: 'preset', preset: 'react-baseline' },
      { kind: 'preset', preset: 'summarizer-only' },
      { kind: 'preset', preset: 'corrector-only' },
      { kind: 'preset', preset: 'three-roles' },
    ]);
    expect(arms.every((a) => a.endpointId === 'ep1' && a.model === 'm')).toBe(true);
    expect(new Set(arms.map((a) => a.key)).size).toBe(4);
  });

  it('keeps the baseline on its arm when another arm is removed', () => {
    const arms = ablationArms().map(armDraftFrom);
    expect(removeArm(draft({ arms, baselineArm: 2 }), 0).baselineArm).toBe(1);
    expect(removeArm(draft({ arms, baselineArm: 2 }), 3).baselineArm).toBe(2);
    expect(removeArm(draft({ arms, baselineArm: 2 }), 2).baselineArm).toBe(0);
  });

  it('counts the tasks a set names, and the ids that are no task', () => {
    const base = emptyDraft().tasks;
    expect(matchingTasks(TASKS, base).map((t) => t.id)).toEqual(['a_1', 'a_2']);
    expect(matchingTasks(TASKS, { ...base, split: null, apps: ['venmo', 'gmail'] }).map((t) => t.id)).toEqual(
      ['a_2', 'b_1'],
    );
    expect(matchingTasks(TASKS, { ...base, mode: 'ids', ids: 'b_1 zz_9' }).map((t) => t.id)).toEqual(['b_1']);
    expect(unknownTaskIds(TASKS, 'b_1 zz_9')).toEqual(['zz_9']);
    expect(parseTaskIds(' a_1,,a_2\n a_1 ')).toEqual(['a_1', 'a_2']);
  });
});
