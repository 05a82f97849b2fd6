import type { WorldDifficulty, WorldEvaluation } from '@trellis/shared';
import type { WorldState } from '../state.ts';
import { diffStates } from './diff.ts';
import { completedCheck, type Expectation, noCollateralCheck } from './expectations.ts';

/**
 * Runs a task's tests on the final state, AppWorld style: the task was completed, each expectation holds, and the
 * diff from the initial state holds nothing the expectations do not allow.
 */
export function evaluateState(
  difficulty: WorldDifficulty,
  expectation: Expectation,
  initial: WorldState,
  final: WorldState,
): WorldEvaluation {
  const ctx = { initial, final, changes: diffStates(initial, final) };
  const checks = [completedCheck(), ...expectation.checks, noCollateralCheck(expectation.allows)];
  const passes: WorldEvaluation['passes'] = [];
  const failures: WorldEvaluation['failures'] = [];
  for (const check of checks) {
    let trace: string | null;
    try {
      trace = check.run(ctx);
    } catch (error) {
      trace = `the test itself failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (trace === null) passes.push({ requirement: check.requirement, label: check.label });
    else failures.push({ requirement: check.requirement, trace, label: check.label });
  }
  return { success: failures.length === 0, difficulty, num_tests: checks.length, passes, failures };
}
