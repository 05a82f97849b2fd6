import type { CandidateStatus, OptimiserCandidate } from '@trellis/shared';
import type { TreeSeriesOption } from 'echarts/charts';
import type { TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { escapeHtml, FONT, INK, MUTED } from '../experiments/chartOptions.ts';
import { percent, rateWithInterval } from '../experiments/format.ts';
import { formatTokens } from '../runs/format.ts';
import type { LineageNode } from './lineage.ts';

/*
 * The lineage as an ECharts tree, built from the candidates alone (testable without a canvas): a node per round,
 * labelled with its label and dev TGC, coloured by status, the best ringed and larger, the selected one filled
 * with the ink colour. Only the series registered in echartsTree.ts may appear here.
 */

export type TreeChartOption = ComposeOption<TreeSeriesOption | TooltipComponentOption>;

/** Each status's colour (the outcome colours of the experiment matrix, where they mean the same). */
export const STATUS_COLOR: Record<CandidateStatus, string> = {
  evaluated: '#2f6fdf',
  running: '#b8cff7',
  invalid: '#d9534f',
  skipped: '#9aa4b1',
  errored: '#7d3c98',
};

export const STATUS_LABEL: Record<CandidateStatus, string> = {
  evaluated: 'evaluated',
  running: 'running',
  invalid: 'invalid',
  skipped: 'skipped',
  errored: 'errored',
};

const LABEL_MAX = 28;

/** A node's label: "R3 · add a corrector" over its score ("62.5" or the status when it has none). */
export function nodeLabel(candidate: OptimiserCandidate): string {
  const label =
    candidate.label.length > LABEL_MAX ? `${candidate.label.slice(0, LABEL_MAX - 1)}…` : candidate.label;
  const score =
    candidate.status === 'evaluated' && candidate.score?.rate != null
      ? percent(candidate.score.rate)
      : STATUS_LABEL[candidate.status];
  return `R${candidate.round} · ${label}\n${score}`;
}

/** What a tree node carries beyond its name: the round a click selects. */
export interface TreeDatum {
  name: string;
  round: number;
  children: TreeDatum[];
  symbolSize: number;
  itemStyle: { color: string; borderColor: string; borderWidth: number };
  label: {
    fontWeight: 'bold' | 'normal';
    color: string;
    position?: 'top';
    align?: 'center';
    verticalAlign?: 'bottom';
    distance?: number;
    backgroundColor?: string;
    padding?: number[];
  };
  tooltipHtml: string;
}

function tooltipOf(c: OptimiserCandidate): string {
  const lines = [
    `<b>Round ${c.round}</b> · ${escapeHtml(c.label)}`,
    `${STATUS_LABEL[c.status]}${c.reason ? `: ${escapeHtml(c.reason.slice(0, 140))}` : ''}`,
  ];
  if (c.score) lines.push(`dev TGC ${rateWithInterval(c.score)}`);
  if (c.cost !== null) lines.push(`${formatTokens(c.cost)} tokens per run`);
  if (c.reward !== null) lines.push(`reward ${c.reward}`);
  if (c.edit.length > 0) lines.push(`${c.edit.length} change${c.edit.length === 1 ? '' : 's'}`);
  return lines.join('<br/>');
}

function datum(node: LineageNode, best: number | null, selected: number | null): TreeDatum {
  const c = node.candidate;
  const isBest = c.round === best;
  const isSelected = c.round === selected;
  return {
    name: nodeLabel(c),
    round: c.round,
    children: node.children.map((child) => datum(child, best, selected)),
    symbolSize: isBest ? 18 : 12,
    itemStyle: {
      color: isSelected ? INK : STATUS_COLOR[c.status],
      borderColor: isBest ? '#1f8a4c' : '#ffffff',
      borderWidth: isBest ? 3 : 1,
    },
    label: {
      fontWeight: isBest || isSelected ? 'bold' : 'normal',
      color: isSelected ? INK : '#2d3440',
      // A leaf's label sits to its right; a parent's above it, clear of the edges leaving it to the right, on a
      // light ground where a deep tree's edges pass behind it.
      ...(node.children.length > 0
        ? {
            position: 'top' as const,
            align: 'center' as const,
            verticalAlign: 'bottom' as const,
            distance: 6,
            backgroundColor: 'rgba(255,255,255,0.85)',
            padding: [1, 3],
          }
        : {}),
    },
    tooltipHtml: tooltipOf(c),
  };
}

/** The lineage's trees, left to right by round; several trees hang under an unlabelled root. */
export function lineageTreeOption(
  roots: readonly LineageNode[],
  best: number | null,
  selected: number | null,
): TreeChartOption {
  const data = roots.map((root) => datum(root, best, selected));
  const root =
    data.length === 1
      ? data[0]!
      : {
          name: '',
          round: -1,
          children: data,
          symbolSize: 1,
          itemStyle: { color: MUTED, borderColor: MUTED, borderWidth: 0 },
          label: { fontWeight: 'normal' as const, color: MUTED },
          tooltipHtml: '',
        };
  return {
    textStyle: { fontFamily: FONT, color: INK },
    animationDuration: 300,
    animationDurationUpdate: 300,
    tooltip: {
      trigger: 'item',
      formatter: (param) => (param as unknown as { data?: TreeDatum }).data?.tooltipHtml ?? '',
    },
    series: [
      {
        type: 'tree',
        data: [root],
        orient: 'LR',
        layout: 'orthogonal',
        left: 84,
        right: 200,
        top: 24,
        bottom: 24,
        roam: false,
        expandAndCollapse: false,
        initialTreeDepth: -1,
        symbol: 'circle',
        edgeShape: 'polyline',
        lineStyle: { color: '#c5ccd6', width: 1.5, curveness: 0 },
        label: {
          position: 'right',
          verticalAlign: 'middle',
          align: 'left',
          fontSize: 11.5,
          lineHeight: 15,
          distance: 8,
        },
        leaves: { label: { position: 'right', verticalAlign: 'middle', align: 'left' } },
        emphasis: { focus: 'ancestor' },
        cursor: 'pointer',
      },
    ],
  };
}
