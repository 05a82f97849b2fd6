import { type Graph, GraphEdge } from './graph.ts';
import { createNode, type NodeKind } from './registry.ts';

export const PRESET_IDS = ['react-baseline', 'three-roles', 'summarizer-only', 'corrector-only'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  id: PresetId;
  name: string;
  description: string;
  graph: Graph;
}

const edge = (from: string, to: string) => GraphEdge.parse({ id: `${from}->${to}`, from, to });

const ROW_Y = 160;
const col = (i: number) => ({ x: 40 + i * 300, y: ROW_Y });

function build(id: PresetId, name: string, description: string, kinds: NodeKind[]): Preset {
  const nodes = kinds.map((kind, i) => createNode(kind, kind, col(i)));
  const edges = kinds.slice(1).map((kind, i) => edge(kinds[i]!, kind));
  return {
    id,
    name,
    description,
    graph: {
      schemaVersion: 1,
      name,
      description,
      entry: kinds[0]!,
      nodes,
      edges,
      limits: { maxSteps: 40, tokenBudget: null },
      defaults: { endpointId: null, model: null },
    },
  };
}

/** The scaffolds of the three-role study and its ablations, with prompts for Qwen3-class models. */
export function presets(): Preset[] {
  return [
    build('react-baseline', 'ReAct baseline', 'A plain code agent: agent → executor.', ['agent', 'executor']),
    build(
      'three-roles',
      'Three roles',
      'Summarizer → agent → corrector → executor: history compressed with artifacts pinned, code corrected in isolation.',
      ['summarizer', 'agent', 'corrector', 'executor'],
    ),
    build('summarizer-only', 'Summarizer only', 'Ablation: summarizer → agent → executor.', [
      'summarizer',
      'agent',
      'executor',
    ]),
    build('corrector-only', 'Corrector only', 'Ablation: agent → corrector → executor.', [
      'agent',
      'corrector',
      'executor',
    ]),
  ];
}

export function preset(id: PresetId): Preset {
  return presets().find((p) => p.id === id)!;
}
