import type { z } from 'zod';
import type { EditorField, VariableDoc } from './common.ts';

/** One node kind: its config schema and defaults, the variables its templates may use, its editor fields. */
export interface NodeKindSpec<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  label: string;
  /** One line for the palette. */
  description: string;
  /** Whether the node calls a model (and so binds an endpoint). */
  llm: boolean;
  config: S;
  defaults: () => z.output<S>;
  variables: VariableDoc[];
  fields: EditorField[];
}

export function defineNodeKind<K extends string, S extends z.ZodType>(
  spec: NodeKindSpec<K, S>,
): NodeKindSpec<K, S> {
  return spec;
}
