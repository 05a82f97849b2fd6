import { randomInt } from 'node:crypto';
import {
  applyOverrides,
  callsModel,
  type ExperimentArm,
  type ExperimentRequest,
  type Graph,
  isSimulatedModel,
  type PresetId,
  preset,
  resolveBinding,
  runDefaults,
  type WorldTask,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import type { RunManager } from '../runs/manager.ts';
import type { EndpointRecord, EndpointRepo } from '../store/endpoints.ts';
import type { ExperimentPlan, NewItem } from '../store/experiments.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import { allTasks } from '../world/index.ts';

export interface PlanDeps {
  graphs: GraphRepo;
  endpoints: EndpointRepo;
  manager: RunManager;
}

type Request = z.output<typeof ExperimentRequest>;

/** An arm as planned: what it will run, and the preset graph to save when the experiment is created. */
export interface PlannedArm extends ExperimentArm {
  presetGraph: Graph | null;
  /** The models its nodes ask for (a simulated one labels the experiment before any run has called it). */
  models: string[];
}

export interface PlannedExperiment {
  name: string;
  plan: ExperimentPlan;
  arms: PlannedArm[];
  items: NewItem[];
}

/** The tasks a request's task set names, in the suite's order; refuses unknown ids and scenarios. */
export function selectTasks(taskSet: Request['tasks']): WorldTask[] {
  const tasks = allTasks();
  if (taskSet.ids) {
    const known = new Set<string>(tasks.map((t) => t.id));
    const unknown = taskSet.ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new DomainError(
        'invalid',
        'unknown_task',
        `unknown task id${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`,
        { unknown },
      );
    }
  }
  if (taskSet.scenarios) {
    const known = new Set(tasks.map((t) => t.scenario));
    const unknown = taskSet.scenarios.filter((s) => !known.has(s));
    if (unknown.length > 0) {
      throw new DomainError('invalid', 'unknown_scenario', `unknown scenario(s): ${unknown.join(', ')}`, {
        unknown,
      });
    }
  }
  const ids = taskSet.ids ? new Set<string>(taskSet.ids) : null;
  const scenarios = taskSet.scenarios ? new Set(taskSet.scenarios) : null;
  const selected = tasks.filter(
    (task) =>
      (taskSet.split === undefined || task.split === taskSet.split) &&
      (taskSet.difficulty === undefined || taskSet.difficulty.includes(task.difficulty as 1 | 2 | 3)) &&
      (taskSet.apps === undefined || taskSet.apps.some((app) => task.apps.includes(app))) &&
      (scenarios === null || scenarios.has(task.scenario)) &&
      (ids === null || ids.has(task.id)),
  );
  if (selected.length === 0) {
    throw new DomainError('invalid', 'no_tasks', 'no task matches the task set: nothing to run');
  }
  return selected;
}

/** Tasks per scenario in the whole suite: a scenario with fewer in the set is incomplete. */
export function scenarioSizes(): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const task of allTasks()) sizes.set(task.scenario, (sizes.get(task.scenario) ?? 0) + 1);
  return sizes;
}

async function armVersion(deps: PlanDeps, arm: Request['arms'][number], index: number) {
  if (arm.preset) {
    const graph = preset(arm.preset as PresetId).graph;
    // Checked as it will be saved; saved only once the whole request has been checked.
    const version = { id: `preset:${arm.preset}`, graphId: '', graph } as unknown as StoredVersion;
    return { version, presetGraph: graph };
  }
  const version = await deps.graphs.getVersion(arm.graphVersionId!);
  if (!version) {
    throw new DomainError(
      'not_found',
      'not_found',
      `arm ${index + 1}: graph version '${arm.graphVersionId}' does not exist`,
    );
  }
  return { version, presetGraph: null };
}

/** The endpoints the arm's runs call and the models they ask for. */
function bindingsOf(
  endpoints: ReadonlyMap<string, EndpointRecord>,
  graph: Graph,
  arm: Request['arms'][number],
) {
  const overridden = applyOverrides(graph, arm.overrides);
  const defaults = runDefaults(overridden, { endpointId: arm.endpointId, model: arm.model });
  const endpointIds = new Set<string>();
  const models = new Set<string>();
  for (const node of overridden.nodes) {
    if (!callsModel(node)) continue;
    const { endpoint, model } = resolveBinding(
      { endpointId: node.config.llm.endpointId, model: node.config.llm.model },
      defaults,
      (id) => endpoints.get(id) ?? null,
    );
    endpointIds.add(endpoint.id);
    models.add(model);
  }
  return { endpointIds: [...endpointIds].sort(), models: [...models] };
}

/**
 * Checks an experiment request and freezes its plan: every arm must be able to run (the same checks as a single
 * run), every task id must exist, and the set must not be empty. Nothing is stored here.
 */
export async function planExperiment(deps: PlanDeps, request: Request): Promise<PlannedExperiment> {
  const tasks = selectTasks(request.tasks);
  // Read once: binding resolution looks endpoints up synchronously.
  const endpoints = new Map((await deps.endpoints.list()).map((record) => [record.id as string, record]));
  const arms: PlannedArm[] = [];
  // In arm order, so the first arm that cannot run is the one named.
  for (const [index, arm] of request.arms.entries()) {
    const { version, presetGraph } = await armVersion(deps, arm, index);
    const label = arm.label ?? version.graph.name;
    try {
      await deps.manager.check({
        version,
        overrides: arm.overrides,
        endpointId: arm.endpointId,
        model: arm.model,
      });
    } catch (error) {
      if (error instanceof DomainError) {
        throw new DomainError(
          error.kind,
          error.code,
          `arm ${index + 1} (${label}): ${error.message}`,
          error.details,
        );
      }
      throw error;
    }
    const { endpointIds, models } = bindingsOf(endpoints, version.graph, arm);
    arms.push({
      index,
      label,
      graphVersionId: version.id,
      graphName: version.graph.name,
      preset: arm.preset ?? null,
      endpointId: arm.endpointId ?? null,
      model: arm.model ?? null,
      overrides: arm.overrides,
      endpointIds,
      presetGraph,
      models,
    });
  }
  const labels = arms.map((a) => a.label);
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate !== undefined) {
    // Two arms of one graph still need telling apart in the report.
    for (const arm of arms) {
      if (labels.filter((l) => l === arm.label).length > 1) arm.label = `${arm.label} #${arm.index + 1}`;
    }
  }
  const seeds = request.seeds ?? Array.from({ length: request.repeats }, () => randomInt(0, 2 ** 31 - 1));
  const items: NewItem[] = [];
  // Interleaved: every arm runs task t of repeat r before any runs the next task, so partial results compare.
  for (let repeat = 0; repeat < request.repeats; repeat++) {
    for (const task of tasks) {
      for (const arm of arms) {
        items.push({
          arm: arm.index,
          taskId: task.id,
          scenario: task.scenario,
          difficulty: task.difficulty,
          repeat,
          seed: seeds[repeat]!,
        });
      }
    }
  }
  const simulated = arms.some((arm) => arm.models.some((m) => isSimulatedModel(m)));
  const name =
    request.name ??
    `${arms.length === 1 ? arms[0]!.label : `${arms.length} arms`} on ${tasks.length} task${tasks.length === 1 ? '' : 's'}${request.tasks.split ? ` (${request.tasks.split})` : ''}`;
  return {
    name,
    arms,
    items,
    plan: {
      arms: [],
      taskSet: request.tasks as Record<string, unknown>,
      taskCount: tasks.length,
      repeats: request.repeats,
      seeds,
      limits: request.limits,
      baselineArm: request.baselineArm,
      simulated,
    },
  };
}
