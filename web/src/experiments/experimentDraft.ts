import {
  type ExperimentArmRequest,
  type ExperimentRequest,
  type ExperimentTaskSet,
  PRESET_IDS,
  type PresetId,
  type WorldDifficulty,
  type WorldSplit,
  type WorldTaskSummary,
} from '@trellis/shared';

/*
 * The create form's state and how it becomes an ExperimentRequest. Inputs stay text while typed, so a half-typed
 * number is never rewritten under the cursor; they are read once, on submit, and each problem is named.
 */

/** What an arm runs: a preset, or a saved graph version. */
export type ArmSource =
  | { kind: 'preset'; preset: PresetId }
  | { kind: 'graph'; graphId: string; versionId: string };

export interface ArmDraft {
  /** Stable across edits and reorders, for React. */
  key: string;
  source: ArmSource | null;
  label: string;
  endpointId: string | null;
  model: string | null;
}

export interface TaskSetDraft {
  mode: 'filter' | 'ids';
  split: WorldSplit | null;
  difficulty: WorldDifficulty[];
  apps: string[];
  /** Task ids, one per line or separated by commas or spaces. */
  ids: string;
}

export interface ExperimentDraft {
  name: string;
  arms: ArmDraft[];
  tasks: TaskSetDraft;
  repeats: string;
  concurrency: string;
  tokenBudget: string;
  baselineArm: number;
}

export const ALL_DIFFICULTIES: readonly WorldDifficulty[] = [1, 2, 3];

let nextKey = 0;
const armKey = () => `arm-${++nextKey}`;

export function emptyArm(
  binding: Pick<ArmDraft, 'endpointId' | 'model'> = { endpointId: null, model: null },
): ArmDraft {
  return { key: armKey(), source: null, label: '', ...binding };
}

export function emptyDraft(): ExperimentDraft {
  return {
    name: '',
    arms: [emptyArm()],
    tasks: { mode: 'filter', split: 'dev', difficulty: [...ALL_DIFFICULTIES], apps: [], ids: '' },
    repeats: '1',
    concurrency: '8',
    tokenBudget: '',
    baselineArm: 0,
  };
}

const isPreset = (value: string | undefined): value is PresetId =>
  value !== undefined && (PRESET_IDS as readonly string[]).includes(value);

/** An arm of a template (the ablation's) as the form edits it. */
export function armDraftFrom(arm: ExperimentArmRequest): ArmDraft {
  return {
    key: armKey(),
    source: isPreset(arm.preset) ? { kind: 'preset', preset: arm.preset } : null,
    label: arm.label ?? '',
    endpointId: arm.endpointId ?? null,
    model: arm.model ?? null,
  };
}

/** Task ids as typed: split on commas and white space, each once, in the order given. */
export function parseTaskIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id.length > 0))];
}

/** The tasks a task set names, from the full task list (for the count beside the form). */
export function matchingTasks(all: readonly WorldTaskSummary[], tasks: TaskSetDraft): WorldTaskSummary[] {
  if (tasks.mode === 'ids') {
    const byId = new Map<string, WorldTaskSummary>(all.map((t) => [t.id, t]));
    return parseTaskIds(tasks.ids).flatMap((id) => byId.get(id) ?? []);
  }
  return all.filter(
    (t) =>
      (tasks.split === null || t.split === tasks.split) &&
      tasks.difficulty.includes(t.difficulty) &&
      (tasks.apps.length === 0 || t.apps.some((app) => tasks.apps.includes(app))),
  );
}

/** Ids typed that are no built-in task. */
export function unknownTaskIds(all: readonly WorldTaskSummary[], text: string): string[] {
  const known = new Set<string>(all.map((t) => t.id));
  return parseTaskIds(text).filter((id) => !known.has(id));
}

/** The task set a draft describes; what is wrong with it is added to `problems`. */
export function taskSet(tasks: TaskSetDraft, problems: string[]): ExperimentTaskSet {
  if (tasks.mode === 'ids') {
    const ids = parseTaskIds(tasks.ids);
    if (ids.length === 0) problems.push('Name at least one task id.');
    return { suite: 'builtin', ids };
  }
  if (tasks.difficulty.length === 0) problems.push('Tick at least one difficulty.');
  return {
    suite: 'builtin',
    ...(tasks.split ? { split: tasks.split } : {}),
    // Every difficulty ticked is no filter at all: the request leaves it out.
    ...(tasks.difficulty.length > 0 && tasks.difficulty.length < ALL_DIFFICULTIES.length
      ? { difficulty: [...tasks.difficulty].sort() }
      : {}),
    ...(tasks.apps.length > 0 ? { apps: [...tasks.apps] } : {}),
  };
}

function integer(text: string, what: string, min: number, max: number, problems: string[]): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${what} must be a whole number from ${min} to ${max}.`);
    return min;
  }
  return value;
}

function arm(draft: ArmDraft, index: number, problems: string[]): ExperimentArmRequest {
  const label = draft.label.trim();
  const binding = {
    ...(label ? { label } : {}),
    ...(draft.endpointId ? { endpointId: draft.endpointId } : {}),
    ...(draft.endpointId && draft.model ? { model: draft.model } : {}),
  };
  if (!draft.source) {
    problems.push(`Arm ${index + 1}: choose a preset or a saved graph.`);
    return { preset: 'react-baseline', ...binding };
  }
  return draft.source.kind === 'preset'
    ? { preset: draft.source.preset, ...binding }
    : { graphVersionId: draft.source.versionId, ...binding };
}

/** The request the form describes, or the problems that keep it from being sent. */
export function toRequest(
  draft: ExperimentDraft,
): { request: ExperimentRequest; problems: [] } | { request: null; problems: string[] } {
  const problems: string[] = [];
  if (draft.arms.length === 0) problems.push('Add at least one arm.');
  const arms = draft.arms.map((a, i) => arm(a, i, problems));
  const tasks = taskSet(draft.tasks, problems);
  const repeats = integer(draft.repeats, 'Repeats', 1, 20, problems);
  const concurrencyPerEndpoint = integer(draft.concurrency, 'Concurrency per endpoint', 1, 256, problems);
  const tokenBudget =
    draft.tokenBudget.trim() === ''
      ? null
      : integer(
          draft.tokenBudget.replace(/[_,\s]/g, ''),
          'The token budget',
          1,
          Number.MAX_SAFE_INTEGER,
          problems,
        );
  if (problems.length > 0) return { request: null, problems };
  const name = draft.name.trim();
  return {
    request: {
      ...(name ? { name } : {}),
      arms,
      tasks,
      repeats,
      limits: { concurrencyPerEndpoint, tokenBudget },
      baselineArm: Math.min(Math.max(0, draft.baselineArm), arms.length - 1),
    },
    problems: [],
  };
}

/** The form after removing an arm: the baseline stays on the same arm, or falls back to the first. */
export function removeArm(draft: ExperimentDraft, index: number): ExperimentDraft {
  const arms = draft.arms.filter((_, i) => i !== index);
  const baselineArm =
    draft.baselineArm === index ? 0 : draft.baselineArm > index ? draft.baselineArm - 1 : draft.baselineArm;
  return { ...draft, arms, baselineArm };
}
