import type { NodeKind } from '@trellis/shared';
import { runAgent } from './agent.ts';
import { runCorrector } from './corrector.ts';
import { runExecutor } from './executor.ts';
import { runSummarizer } from './summarizer.ts';
import type { Role } from './types.ts';

/** What each node kind does, keyed by the same literal as its schema and its canvas component. */
export const ROLES: { [K in NodeKind]: Role<K> } = {
  summarizer: runSummarizer,
  agent: runAgent,
  corrector: runCorrector,
  executor: runExecutor,
};
