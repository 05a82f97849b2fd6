import { organizeScenarios } from './cross-organize.ts';
import { peopleScenarios } from './cross-people.ts';
import { shareScenarios } from './cross-share.ts';

/** Difficulty-3 scenarios: several apps, aggregation and writes. */
export const crossAppScenarios = [...organizeScenarios, ...peopleScenarios, ...shareScenarios];
