import type { z } from 'zod';
import type { EditorField, VariableDoc } from './common.ts';

/** How a kind looks wherever it appears: the canvas, the palette, the inspector, the trace, tables, legends. */
export interface KindPresentation {
  /** One character on the node's head, the palette and the inspector. */
  glyph: string;
  /** The kind's one colour (`#rrggbb`); the web app gives it to CSS as `--kind`, tints derived from it. */
  color: `#${string}`;
  /** Where the kind sorts in tables and legends: the order a turn visits the kinds. */
  order: number;
}

/**
 * One node kind: its config schema and defaults, the variables its templates may use, its editor fields and its
 * presentation.
 */
export interface NodeKindSpec<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  label: string;
  /** One line for the palette. */
  description: string;
  presentation: KindPresentation;
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
