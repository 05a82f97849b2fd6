import type { NodeKind } from '@trellis/shared';
import { runAgent } from './agent.ts';
import { runCorrector } from './corrector.ts';
import { runExecutor } from './executor.ts';
import { runSummarizer } from './summarizer.ts';
import type { Role } from './types.ts';

/** One role per registered node kind, each typed by its kind's node: a kind without a role fails to compile. */
export type RoleTable = { [K in NodeKind]: Role<K> };

/** What each node kind does, keyed by the same literal as its schema and its canvas component. */
export const ROLES: RoleTable = {
  summarizer: runSummarizer,
  agent: runAgent,
  corrector: runCorrector,
  executor: runExecutor,
};
