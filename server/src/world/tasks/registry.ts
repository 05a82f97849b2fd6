import {
  TaskId,
  type WorldSplit,
  type WorldSuite,
  type WorldTask,
  type WorldTaskFilter,
  type WorldTaskSummary,
} from '@trellis/shared';
import { supervisorPerson } from '../apps/supervisor.ts';
import type { Expectation } from '../eval/expectations.ts';
import { Rng } from '../random.ts';
import { seedState } from '../seed/index.ts';
import type { WorldState } from '../state.ts';
import { crossAppScenarios } from './cross-app.ts';
import { filesScenarios } from './files.ts';
import { mailScenarios } from './mail.ts';
import { musicScenarios } from './music.ts';
import { notesScenarios } from './notes.ts';
import { phoneScenarios } from './phone.ts';
import type { Scenario } from './scenario.ts';
import { todoScenarios } from './todo.ts';
import { walletScenarios } from './wallet.ts';

export const SUITE_ID = 'builtin';

const SCENARIOS: readonly Scenario[] = [
  ...notesScenarios,
  ...todoScenarios,
  ...musicScenarios,
  ...walletScenarios,
  ...mailScenarios,
  ...filesScenarios,
  ...phoneScenarios,
  ...crossAppScenarios,
];

const byName = new Map(SCENARIOS.map((scenario) => [scenario.name, scenario]));
if (byName.size !== SCENARIOS.length) throw new Error('two scenarios share a name');

/** A task ready to run: its public form, the world it starts in, and what the evaluator expects. */
export interface PreparedTask {
  task: WorldTask;
  state: WorldState;
  expect: Expectation;
}

function parseId(id: string): { scenario: Scenario; variant: number } | null {
  const match = /^(.+)_(\d+)$/.exec(id);
  const scenario = match ? byName.get(match[1] ?? '') : undefined;
  const variant = Number(match?.[2]);
  if (!scenario || variant < 1 || variant > scenario.variants) return null;
  return { scenario, variant };
}

/** Builds a task's world from its id alone: seed data first, then what the scenario plants. */
export function prepareTask(id: string): PreparedTask {
  const parsed = parseId(id);
  if (!parsed) throw new Error(`unknown task '${id}'`);
  const { scenario, variant } = parsed;
  const state = seedState(id);
  const supervisor = supervisorPerson(state);
  const build = scenario.build({
    state,
    rng: new Rng(`task:${id}`),
    variant,
    supervisor,
    now: state.meta.now,
    today: state.meta.now.slice(0, 10),
  });
  const task: WorldTask = {
    id: TaskId.parse(id),
    scenario: scenario.name,
    split: scenario.split,
    difficulty: scenario.difficulty,
    apps: scenario.apps,
    instruction: build.instruction,
    supervisor: {
      first_name: supervisor.first_name,
      last_name: supervisor.last_name,
      email: supervisor.email,
      phone_number: supervisor.phone_number,
    },
    datetime: state.meta.now,
    solution: build.solution,
  };
  return { task, state, expect: build.expect };
}

let catalog: WorldTask[] | null = null;

/** Every task, built once on first use (a few milliseconds each). */
export function allTasks(): readonly WorldTask[] {
  catalog ??= SCENARIOS.flatMap((scenario) =>
    Array.from({ length: scenario.variants }, (_, i) => prepareTask(`${scenario.name}_${i + 1}`).task),
  );
  return catalog;
}

export function getTask(id: string): WorldTask | undefined {
  return parseId(id) ? allTasks().find((task) => task.id === id) : undefined;
}

export function toSummary(task: WorldTask): WorldTaskSummary {
  const { id, scenario, split, difficulty, apps, instruction } = task;
  return { id, scenario, split, difficulty, apps, instruction };
}

export function listTasks(filter: WorldTaskFilter = {}): WorldTaskSummary[] {
  const search = filter.search?.trim().toLowerCase();
  return allTasks()
    .filter(
      (task) =>
        (filter.split === undefined || task.split === filter.split) &&
        (filter.difficulty === undefined || task.difficulty === filter.difficulty) &&
        (filter.app === undefined || task.apps.includes(filter.app)) &&
        (!search ||
          [task.id, task.scenario, task.instruction].some((text) => text.toLowerCase().includes(search))),
    )
    .map(toSummary);
}

export function listSuites(): WorldSuite[] {
  const count = (split: WorldSplit) => allTasks().filter((task) => task.split === split).length;
  return [
    {
      id: SUITE_ID,
      name: 'Built-in app world',
      description:
        'Everyday apps (notes, to-dos, music, wallet, mail, files, phone) with tasks checked by state.',
      splits: [
        { split: 'dev', taskCount: count('dev') },
        { split: 'test', taskCount: count('test') },
      ],
    },
  ];
}
