import { describe, expect, it } from 'vitest';
import { buildLineage } from './lineage.ts';
import { candidate } from './testCandidates.ts';
import { lineageTreeOption, nodeLabel, STATUS_COLOR, type TreeDatum } from './treeOption.ts';

const rootOf = (option: ReturnType<typeof lineageTreeOption>) =>
  (option.series as { data: TreeDatum[] }[])[0]!.data[0]!;

describe('the lineage tree', () => {
  const candidates = [
    candidate(0, null, 'v0', 'evaluated', 0.4),
    candidate(1, 'v0', 'v1', 'evaluated', 0.625),
    candidate(2, 'v1', null, 'invalid'),
  ];

  it('labels each node with its round, label and dev TGC, or its status when it has no score', () => {
    expect(nodeLabel(candidates[1]!)).toBe('R1 · round 1\n62.5');
    expect(nodeLabel(candidates[2]!)).toBe('R2 · round 2\ninvalid');
    expect(nodeLabel({ ...candidates[1]!, label: 'a label far longer than the node has room for' })).toBe(
      'R1 · a label far longer than the…\n62.5',
    );
  });

  it('colours nodes by status, rings the best and fills the selected one', () => {
    const root = rootOf(lineageTreeOption(buildLineage(candidates), 1, 2));
    expect(root.round).toBe(0);
    expect(root.itemStyle.color).toBe(STATUS_COLOR.evaluated);
    const best = root.children[0]!;
    expect(best).toMatchObject({ round: 1, symbolSize: 18, itemStyle: { borderWidth: 3 } });
    const invalid = best.children[0]!;
    expect(invalid.round).toBe(2);
    expect(invalid.itemStyle.color).not.toBe(STATUS_COLOR.invalid);
    expect(
      rootOf(lineageTreeOption(buildLineage(candidates), 1, null)).children[0]!.children[0]!.itemStyle.color,
    ).toBe(STATUS_COLOR.invalid);
  });

  it('puts several trees under an unlabelled root', () => {
    const root = rootOf(
      lineageTreeOption(buildLineage([candidate(0, null, 'v0'), candidate(1, 'x', 'v1')]), null, null),
    );
    expect(root.name).toBe('');
    expect(root.children.map((c) => c.round)).toEqual([0, 1]);
  });
});
