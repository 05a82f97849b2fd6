import type { GraphNodeOf, NodeKind, RunEventBody } from '@trellis/shared';
import type { Environment } from '../../environments/types.ts';
import type { LlmCallDeps } from '../llm-call.ts';
import type { RunState } from '../state.ts';

export interface RoleContext {
  llm: LlmCallDeps;
  env: Environment;
  state: RunState;
  emit: (body: RunEventBody) => void;
  signal: AbortSignal;
}

/** What a node did this step: ran (ok or not) or skipped with the reason. */
export type RoleResult =
  | { outcome: 'ran'; ok: boolean; reason?: string }
  | { outcome: 'skipped'; reason: string };

export type Role<K extends NodeKind> = (ctx: RoleContext, node: GraphNodeOf<K>) => Promise<RoleResult>;
