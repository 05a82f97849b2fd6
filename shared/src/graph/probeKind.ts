import { z } from 'zod';
import { defineNodeRegistry, type KindOf } from './kindRegistry.ts';
import { defineNodeKind } from './nodes/spec.ts';
import { NODE_KINDS } from './registry.ts';

const ProbeConfig = z.object({ depth: z.number().int().min(1).default(1) }).strict();

/**
 * For tests only: a throwaway node kind in a registry of its own (the real kinds plus `probe`), to show what a
 * new kind reaches from the registry alone and which per-kind tables fail to compile without it. Nothing in the
 * product registers it.
 */
export const PROBE_REGISTRY = defineNodeRegistry({
  ...NODE_KINDS,
  probe: defineNodeKind({
    kind: 'probe',
    label: 'Probe',
    description: 'Exists only in tests',
    presentation: { glyph: '?', color: '#808080', order: 25 },
    llm: false,
    config: ProbeConfig,
    defaults: () => ProbeConfig.parse({}),
    variables: [],
    fields: [],
  }),
});
export type ProbeKind = KindOf<typeof PROBE_REGISTRY.kinds>;
