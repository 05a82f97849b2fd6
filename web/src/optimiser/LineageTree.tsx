import './echartsTree.ts';
import type { OptimiserCandidate } from '@trellis/shared';
import { useMemo } from 'react';
import { EChart } from '../experiments/EChart.tsx';
import { buildLineage, leafCount } from './lineage.ts';
import { lineageTreeOption, type TreeDatum } from './treeOption.ts';

/*
 * The lineage tree, in a chunk of its own with ECharts and its tree series.
 */

const ROW_HEIGHT = 64;

/** The rounds as a tree (each under the graph it edited); clicking a node selects its round. */
export function LineageTree({
  candidates,
  best,
  selected,
  onSelect,
}: {
  candidates: readonly OptimiserCandidate[];
  best: number | null;
  selected: number | null;
  onSelect: (round: number) => void;
}) {
  const roots = useMemo(() => buildLineage(candidates), [candidates]);
  const option = useMemo(() => lineageTreeOption(roots, best, selected), [roots, best, selected]);
  const height = Math.max(240, leafCount(roots) * ROW_HEIGHT + 48);
  return (
    <EChart
      option={option}
      label="The optimisation's rounds as a tree: each round under the graph it edited, coloured by status, the best ringed in green"
      height={height}
      onClick={(click) => {
        const round = (click.data as TreeDatum | undefined)?.round;
        if (round !== undefined && round >= 0) onSelect(round);
      }}
    />
  );
}
