import type { WorldDifficulty, WorldSplit } from '@trellis/shared';
import type { Expectation } from '../eval/expectations.ts';
import type { Rng } from '../random.ts';
import type { Person, WorldState } from '../state.ts';

/** What a scenario has to work with when it builds one task: the seeded world, which it may add to. */
export interface BuildContext {
  state: WorldState;
  rng: Rng;
  /** 1-based variant number; variants differ by seed and may differ by parameters. */
  variant: number;
  supervisor: Person;
  now: string;
  today: string;
}

/** One task as a scenario builds it. */
export interface TaskBuild {
  instruction: string;
  /** Python against `apis`, ending with `apis.supervisor.complete_task(...)`. */
  solution: string;
  expect: Expectation;
}

/** An instruction template; each variant becomes the task `<name>_<n>`. */
export interface Scenario {
  name: string;
  split: WorldSplit;
  difficulty: WorldDifficulty;
  apps: string[];
  variants: 2 | 3 | 4;
  build: (ctx: BuildContext) => TaskBuild;
}

export function defineScenario(scenario: Scenario): Scenario {
  if (!/^[a-z][a-z0-9_]*[a-z]$/.test(scenario.name)) throw new Error(`bad scenario name ${scenario.name}`);
  return scenario;
}

/** The pool item for this variant, so the variants of a scenario ask for different things. */
export function forVariant<T>(pool: readonly T[], variant: number): T {
  const item = pool[(variant - 1) % pool.length];
  if (item === undefined) throw new Error('empty pool');
  return item;
}
