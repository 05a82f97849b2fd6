import { NODE_KIND_ORDER, NODE_KINDS, type NodeKind } from '@trellis/shared';

/*
 * What the views need to show node kinds without editing them, as plain values read from the registry: the kinds
 * in presentation order and each kind's colour. The build replaces this module with its evaluated exports
 * (`inlineKindTable` in vite.config.ts), so a page that shows kinds but loads no graph editor (the run page) loads
 * no schema code for them; dev and the tests evaluate it as written. Exports must stay plain JSON values.
 */

/** The kinds in presentation order: the order a turn visits them. */
export const KIND_ORDER: readonly NodeKind[] = [...NODE_KIND_ORDER];

/** Each kind's one colour (`#rrggbb`), from its spec. */
export const KIND_COLORS: Readonly<Record<NodeKind, string>> = Object.fromEntries(
  NODE_KIND_ORDER.map((kind) => [kind, NODE_KINDS[kind].presentation.color]),
) as Record<NodeKind, string>;
