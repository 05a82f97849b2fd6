import { callsModel, type GraphNode, nodeKindSpec } from '@trellis/shared';
import { nodeModel } from './compute.ts';
import { searchedKnobs } from './knobs.ts';
import type { SearchContext, TrialRecord } from './methods.ts';
import { describeAllocation } from './space.ts';

const SYSTEM = `You allocate compute across the roles of an agent scaffold. Each trial runs the scaffold with one allocation on the dev tasks and reports its dev score (the fraction of tasks completed) and the compute it used per run. Your aim: the highest dev score within the budget, found in as few trials as possible.

What tends to hold: roles prefer different models; more output tokens help, with diminishing returns; the budget of an early role changes what later roles need. Read the history: build on what scored well, and let each proposal test one idea.

Rules:
- Set every knob listed, for every node listed, using only the values listed. Write a model as {"endpointId": "...", "model": "..."}.
- Never propose an allocation that is already in the history.
- Keep the declared cost within the budget: allocations over it are refused without running.

Reply with JSON only, in this shape:
{"allocations": [{"allocation": {"<node id>": {"<knob>": <value>}}, "reason": "<why this one>"}], "lesson": "<what the history teaches so far, for the next round>"}`;

const number = (n: number) => String(Number(n.toPrecision(6)));

function roleLine(node: GraphNode, context: SearchContext): string {
  const spec = nodeKindSpec(node.kind);
  if (!callsModel(node)) return `- ${node.id} (${node.kind}): ${spec.description}. Calls no model.`;
  const model = nodeModel(node, {}, context.defaults) ?? "the endpoint's default model";
  return `- ${node.id} (${node.kind}): ${spec.description}. As saved: model ${model}, max output tokens ${node.config.budget.maxOutputTokens}.`;
}

function knobLines(context: SearchContext): string[] {
  return searchedKnobs(context.space).map(
    (knob) => `- ${knob.nodeId}.${knob.knob}: ${knob.values.map((v) => JSON.stringify(v)).join(' | ')}`,
  );
}

function budgetLines(context: SearchContext): string[] {
  const weights = Object.entries(context.rule.weights).map(
    ([model, w]) => `- ${model}: input ${number(w.input)}, output ${number(w.output)}`,
  );
  return [
    'Declared cost of an allocation (checked before it runs) = the sum over the roles that call a model of (output weight of the model it calls) × (its max output tokens). Roles and knobs not searched count with their settings as saved.',
    `Budget: ${number(context.rule.budget)}. Allocations whose declared cost is above it are refused.`,
    'Measured compute of a trial (reported after it ran) = per run, the sum over its model calls of input weight × prompt tokens + output weight × completion tokens.',
    'Model weights per token (a model not listed weighs 1 for input and output):',
    ...(weights.length > 0 ? weights : ['- (none listed: every model weighs 1, so compute is plain tokens)']),
  ];
}

function trialLine(trial: TrialRecord, index: number): string {
  const score =
    trial.score === null ? 'no score (not finished or errored)' : `dev score ${number(trial.score)}`;
  const compute =
    trial.compute === null ? 'measured compute unknown' : `measured compute ${number(trial.compute)} per run`;
  return `${index + 1}. ${JSON.stringify(trial.allocation)} (${describeAllocation(trial.allocation)}): ${score}, ${compute}, declared cost ${number(trial.declaredCost)}`;
}

/** The proposer's messages: the roles, knobs and budget rule, the full history and the lessons so far. */
export function proposerMessages(
  context: SearchContext,
  history: readonly TrialRecord[],
  lessons: readonly string[],
  count: number,
): { role: 'system' | 'user'; content: string }[] {
  const user = [
    '## Roles',
    ...context.graph.nodes.map((node) => roleLine(node, context)),
    '',
    '## Knobs to set (node.knob: values)',
    ...knobLines(context),
    '',
    '## Budget rule',
    ...budgetLines(context),
    '',
    `## History (${history.length} trials)`,
    ...(history.length > 0
      ? history.map(trialLine)
      : ['No trials yet: start by probing each role at an even share of the budget.']),
    '',
    '## Lessons from earlier rounds',
    ...(lessons.length > 0 ? lessons.map((lesson, i) => `- Round ${i + 1}: ${lesson}`) : ['- none yet']),
    '',
    `Propose exactly ${count} new allocation${count === 1 ? '' : 's'}.`,
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}
