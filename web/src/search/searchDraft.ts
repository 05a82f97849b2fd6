import {
  type CORRECTOR_TRIGGERS,
  type ComputeRule,
  callsModel,
  type Graph,
  type GraphNode,
  KNOB_KINDS,
  KNOB_NAMES,
  type KnobName,
  type ModelChoice,
  type NodeKnobs,
  type PresetId,
  type SearchMethod,
  type SearchRequest,
  type SearchSpace,
} from '@trellis/shared';
import { ALL_DIFFICULTIES, type TaskSetDraft, taskSet } from '../experiments/experimentDraft.ts';

/*
 * The search form's state and how it becomes a SearchRequest. Lists of values are typed as text ("256, 512") and
 * read on submit (and for the grid count as they are typed); each problem names the node and the knob.
 */

export type CorrectorTrigger = (typeof CORRECTOR_TRIGGERS)[number];

/** What the search varies on one node: each knob's values, as the form holds them. */
export interface KnobDraft {
  /** Chosen models, as modelKey strings. */
  model: string[];
  maxOutputTokens: string;
  thinking: boolean[];
  temperature: string;
  summarizerThreshold: string;
  keepLastTurns: string;
  correctorTrigger: CorrectorTrigger[];
}

/** The graph a search or an optimisation starts from: a preset (saved as a version on submit) or a saved version. */
export type GraphChoice =
  | { kind: 'preset'; preset: PresetId }
  | { kind: 'graph'; graphId: string; versionId: string };

export interface SearchDraft {
  name: string;
  graph: GraphChoice | null;
  endpointId: string | null;
  model: string | null;
  tasks: TaskSetDraft;
  repeats: string;
  knobs: Record<string, KnobDraft>;
  /** Per model id, its weights as typed; blank weighs 1. */
  weights: Record<string, { input: string; output: string }>;
  budget: string;
  method: SearchMethod;
  proposerEndpointId: string | null;
  proposerModel: string | null;
  trials: string;
  batchSize: string;
  seed: string;
}

export const emptyKnobs = (): KnobDraft => ({
  model: [],
  maxOutputTokens: '',
  thinking: [],
  temperature: '',
  summarizerThreshold: '',
  keepLastTurns: '',
  correctorTrigger: [],
});

/** The dev split, every difficulty: a search never reads another split. */
export const devTasks = (): TaskSetDraft => ({
  mode: 'filter',
  split: 'dev',
  difficulty: [...ALL_DIFFICULTIES],
  apps: [],
  ids: '',
});

export function emptySearchDraft(): SearchDraft {
  return {
    name: '',
    graph: null,
    endpointId: null,
    model: null,
    tasks: devTasks(),
    repeats: '1',
    knobs: {},
    weights: {},
    budget: '',
    method: 'random',
    proposerEndpointId: null,
    proposerModel: null,
    trials: '12',
    batchSize: '4',
    seed: '',
  };
}

/** A model choice as one string, for checkboxes and keys. */
export const modelKey = (choice: ModelChoice) => JSON.stringify([choice.endpointId, choice.model]);

export function modelOfKey(key: string): ModelChoice {
  const [endpointId, model] = JSON.parse(key) as [string, string];
  return { endpointId, model };
}

/** The knobs that apply to a node: its kind's (KNOB_KINDS), and none on a node that calls no model. */
export function knobsFor(node: GraphNode): KnobName[] {
  if (!callsModel(node)) return [];
  return KNOB_NAMES.filter((knob) => KNOB_KINDS[knob].includes(node.kind));
}

const NUMBER_KNOBS = {
  maxOutputTokens: { label: 'max output tokens', min: 16, max: 131_072, integer: true },
  temperature: { label: 'temperature', min: 0, max: 2, integer: false },
  summarizerThreshold: { label: 'summarizer threshold', min: 100, max: 10_000_000, integer: true },
  keepLastTurns: { label: 'kept turns', min: 0, max: 50, integer: true },
} as const;
type NumberKnob = keyof typeof NUMBER_KNOBS;
const MAX_VALUES = 12;
const MAX_MODELS = 8;

/** Values typed as a list: split on commas, semicolons and white space; thousands may be written 4_000. */
export function parseList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.replace(/_/g, ''))
    .filter((part) => part.length > 0);
}

function numberList(text: string, knob: NumberKnob, where: string, problems: string[]): number[] | undefined {
  const parts = parseList(text);
  if (parts.length === 0) return undefined;
  const spec = NUMBER_KNOBS[knob];
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (
      !Number.isFinite(value) ||
      (spec.integer && !Number.isInteger(value)) ||
      value < spec.min ||
      value > spec.max
    ) {
      problems.push(
        `${where}: ${spec.label} '${part}' is not ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min.toLocaleString('en-US')} to ${spec.max.toLocaleString('en-US')}.`,
      );
      continue;
    }
    if (values.includes(value)) {
      problems.push(`${where}: ${spec.label} lists ${part} twice.`);
      continue;
    }
    values.push(value);
  }
  if (parts.length > MAX_VALUES) problems.push(`${where}: at most ${MAX_VALUES} values of ${spec.label}.`);
  return values.length > 0 ? values : undefined;
}

/** The space the form's knobs describe over the graph's nodes (knobs of other kinds are ignored). */
export function spaceOf(
  graph: Graph,
  knobs: Record<string, KnobDraft>,
): { space: SearchSpace; problems: string[] } {
  const problems: string[] = [];
  const space: SearchSpace = {};
  for (const node of graph.nodes) {
    const draft = knobs[node.id];
    if (!draft) continue;
    const where = `Node ${node.id}`;
    const applies = new Set(knobsFor(node));
    const nodeKnobs: NodeKnobs = {};
    if (applies.has('model') && draft.model.length > 0) {
      if (draft.model.length > MAX_MODELS) problems.push(`${where}: at most ${MAX_MODELS} models.`);
      nodeKnobs.model = draft.model.map(modelOfKey);
    }
    for (const knob of Object.keys(NUMBER_KNOBS) as NumberKnob[]) {
      if (!applies.has(knob)) continue;
      const values = numberList(draft[knob], knob, where, problems);
      if (values) nodeKnobs[knob] = values;
    }
    if (applies.has('thinking') && draft.thinking.length > 0) nodeKnobs.thinking = [...draft.thinking];
    if (applies.has('correctorTrigger') && draft.correctorTrigger.length > 0)
      nodeKnobs.correctorTrigger = [...draft.correctorTrigger];
    if (Object.keys(nodeKnobs).length > 0) space[node.id] = nodeKnobs;
  }
  return { space, problems };
}

function positive(text: string, what: string, problems: string[]): number | null {
  const value = Number(text.replace(/[_,\s]/g, ''));
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    problems.push(`${what} must be a number of 0 or more.`);
    return null;
  }
  return value;
}

/** The weights typed: a blank weight is 1; a model with both blank is left out (it weighs 1 anyway). */
export function weightsOf(typed: SearchDraft['weights']): {
  weights: ComputeRule['weights'];
  problems: string[];
} {
  const problems: string[] = [];
  const weights: ComputeRule['weights'] = {};
  for (const [model, pair] of Object.entries(typed)) {
    if (pair.input.trim() === '' && pair.output.trim() === '') continue;
    const input =
      pair.input.trim() === '' ? 1 : positive(pair.input, `The input weight of ${model}`, problems);
    const output =
      pair.output.trim() === '' ? 1 : positive(pair.output, `The output weight of ${model}`, problems);
    if (input !== null && output !== null) weights[model] = { input, output };
  }
  return { weights, problems };
}

/** The budget typed, or null when it is empty or not a number above 0. */
export function budgetOf(text: string): number | null {
  const budget = Number(text.replace(/[_,\s]/g, ''));
  return text.trim() === '' || !Number.isFinite(budget) || budget <= 0 ? null : budget;
}

/** The compute rule: the weights and the budget. */
export function computeRuleOf(draft: Pick<SearchDraft, 'weights' | 'budget'>): {
  rule: ComputeRule | null;
  problems: string[];
} {
  const { weights, problems } = weightsOf(draft.weights);
  const budget = budgetOf(draft.budget);
  if (draft.budget.trim() === '')
    problems.push('Give the compute budget: the most declared cost one trial may have.');
  else if (budget === null) problems.push('The compute budget must be a number above 0.');
  return problems.length > 0 || budget === null
    ? { rule: null, problems }
    : { rule: { weights, budget }, problems };
}

function integer(text: string, what: string, min: number, max: number, problems: string[]): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${what} must be a whole number from ${min} to ${max}.`);
    return min;
  }
  return value;
}

/**
 * The request the form describes over the chosen graph (already saved as `graphVersionId`), or the problems that
 * keep it from being sent.
 */
export function toSearchRequest(
  draft: SearchDraft,
  graph: Graph,
  graphVersionId: string,
): { request: SearchRequest; problems: [] } | { request: null; problems: string[] } {
  const problems: string[] = [];
  const tasks = taskSet({ ...draft.tasks, split: 'dev' }, problems);
  const { space, problems: spaceProblems } = spaceOf(graph, draft.knobs);
  problems.push(...spaceProblems);
  if (spaceProblems.length === 0 && Object.keys(space).length === 0)
    problems.push('Choose at least one knob to search: two models for a node, or a list of values.');
  const { rule, problems: ruleProblems } = computeRuleOf(draft);
  problems.push(...ruleProblems);
  const repeats = integer(draft.repeats, 'Repeats', 1, 10, problems);
  const trials = integer(draft.trials, 'Trials', 1, 200, problems);
  const batchSize = integer(draft.batchSize, 'Batch size', 1, 16, problems);
  const seed = draft.seed.trim() === '' ? null : integer(draft.seed, 'The seed', 0, 2 ** 31 - 1, problems);
  if (draft.method === 'proposer' && !draft.proposerEndpointId)
    problems.push('Choose the endpoint of the proposer model.');
  if (problems.length > 0 || rule === null) return { request: null, problems };
  const name = draft.name.trim();
  return {
    request: {
      ...(name ? { name } : {}),
      graphVersionId,
      ...(draft.endpointId ? { endpointId: draft.endpointId } : {}),
      ...(draft.endpointId && draft.model ? { model: draft.model } : {}),
      tasks,
      repeats,
      space,
      compute: rule,
      method: draft.method,
      trials,
      batchSize,
      ...(seed !== null ? { seed } : {}),
      ...(draft.method === 'proposer' && draft.proposerEndpointId
        ? {
            proposer: {
              endpointId: draft.proposerEndpointId,
              ...(draft.proposerModel ? { model: draft.proposerModel } : {}),
            },
          }
        : {}),
    },
    problems: [],
  };
}

/**
 * The models whose weights the rule may declare: every model a model knob may choose, the nodes' own models and
 * the default model, each once, in that order.
 */
export function weighableModels(
  graph: Graph,
  knobs: Record<string, KnobDraft>,
  defaultModel: string | null,
): string[] {
  const models: string[] = [];
  const add = (model: string | null | undefined) => {
    if (model && !models.includes(model)) models.push(model);
  };
  for (const node of graph.nodes) for (const key of knobs[node.id]?.model ?? []) add(modelOfKey(key).model);
  for (const node of graph.nodes) if (callsModel(node)) add(node.config.llm.model);
  add(defaultModel);
  return models;
}
