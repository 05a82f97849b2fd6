import type { WorldTask } from '@trellis/shared';
import { evaluateState } from './eval/evaluate.ts';
import { seedState } from './seed/index.ts';
import { getTask, prepareTask } from './tasks/registry.ts';
import { World, type WorldOptions } from './world.ts';

export { APPS } from './apps/index.ts';
export type { WorldState } from './state.ts';
export {
  allTasks,
  getTask,
  listSuites,
  listTasks,
  prepareTask,
  SUITE_ID,
  toSummary,
} from './tasks/registry.ts';
export { World, type WorldOptions } from './world.ts';

/** The world a task starts in, wired to that task's evaluator. Throws for an unknown task id. */
export function createWorld(task: string | WorldTask, options: WorldOptions = {}): World {
  const prepared = prepareTask(typeof task === 'string' ? task : task.id);
  const { difficulty } = prepared.task;
  return new World(
    prepared.task,
    prepared.state,
    (initial, final) => evaluateState(difficulty, prepared.expect, initial, final),
    options,
  );
}

/** A world with seed data but no task, e.g. for trying APIs by hand. */
export function createSeedWorld(seed: string, options: WorldOptions = {}): World {
  return new World(null, seedState(seed), null, options);
}

/** The built-in tasks, as the catalog runs are started against. */
export const builtinTasks = {
  get(taskId: string): { id: string; difficulty: number } | null {
    const task = getTask(taskId);
    return task ? { id: task.id, difficulty: task.difficulty } : null;
  },
};
