import { z } from 'zod';
import type { NodeKindSpec } from './nodes/spec.ts';

export const NodeIdString = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'node ids use letters, digits, _ and -');

const Position = z.object({ x: z.number().finite(), y: z.number().finite() }).strict();

function nodeOf<K extends string, S extends z.ZodType>(kind: K, config: S) {
  return z
    .object({
      id: NodeIdString,
      kind: z.literal(kind),
      label: z.string().max(80).default(''),
      position: Position.default({ x: 0, y: 0 }),
      config,
    })
    .strict();
}

/** Specs keyed by their kind literal: each key must equal its spec's `kind`. */
export type NodeKindMap<R> = { readonly [K in keyof R]: NodeKindSpec<K & string, z.ZodType> };

/** The kind literals of a map of specs. */
export type KindOf<R> = keyof R & string;

/** One node of each kind, as a schema: the members of the discriminated union. */
type NodeSchemaOf<R extends NodeKindMap<R>> = {
  [K in KindOf<R>]: ReturnType<typeof nodeOf<K, R[K]['config']>>;
}[KindOf<R>];

/** Everything derived from a map of node-kind specs; see `defineNodeRegistry`. */
export interface NodeRegistry<R extends NodeKindMap<R>> {
  kinds: R;
  /** The kind literals, validated: `z.enum` of the map's keys. */
  NodeKind: z.ZodEnum<{ [K in KindOf<R>]: K }>;
  /** A graph node of any kind, told apart by `kind`, each with its own config schema. */
  GraphNode: z.ZodDiscriminatedUnion<[NodeSchemaOf<R>, ...NodeSchemaOf<R>[]], 'kind'>;
  /** The kinds in their presentation order: the order a turn visits them, used by every table and legend. */
  order: readonly KindOf<R>[];
}

/**
 * Builds the kind enum, the node union and the presentation order from one map of specs, so the list of kinds is
 * written once. The real registry is `NODE_KINDS`; tests build others to prove that a kind added to the map alone
 * reaches every derived list (and that per-kind tables elsewhere fail to compile without it).
 */
export function defineNodeRegistry<const R extends NodeKindMap<R>>(kinds: R): NodeRegistry<R> {
  const names = Object.keys(kinds) as KindOf<R>[];
  const specs = names.map((name) => kinds[name] as unknown as NodeKindSpec<KindOf<R>>);
  if (names.length === 0) throw new Error('a node registry needs at least one kind');
  for (const [i, spec] of specs.entries()) {
    if (spec.kind !== names[i]) throw new Error(`node kind '${spec.kind}' is registered as '${names[i]}'`);
  }
  const members = specs.map((spec) => nodeOf(spec.kind, spec.config)) as unknown as [
    NodeSchemaOf<R>,
    ...NodeSchemaOf<R>[],
  ];
  const order = [...specs]
    .sort((a, b) => a.presentation.order - b.presentation.order || a.kind.localeCompare(b.kind))
    .map((spec) => spec.kind);
  return {
    kinds,
    NodeKind: z.enum(names as [KindOf<R>, ...KindOf<R>[]]),
    GraphNode: z.discriminatedUnion('kind', members),
    order,
  };
}
