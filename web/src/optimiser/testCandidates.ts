import type { OptimiserCandidate } from '@trellis/shared';

/** A candidate for tests: round `round` editing `parent`, saved as `version` (null for an invalid round). */
export function candidate(
  round: number,
  parent: string | null,
  version: string | null,
  status: OptimiserCandidate['status'] = 'evaluated',
  rate: number | null = null,
  cost: number | null = 1000,
): OptimiserCandidate {
  return {
    round,
    index: round,
    parentVersionId: parent,
    versionId: version,
    label: round === 0 ? 'starting graph' : `round ${round}`,
    analysis: '',
    edit: [],
    status,
    reason: null,
    repairs: 0,
    problems: [],
    dryRunId: null,
    experimentId: version ? `exp_${round}` : null,
    score: rate === null ? null : { rate, low: rate - 0.1, high: rate + 0.1, successes: 0, n: 8 },
    cost,
    reward: round === 0 ? null : 0,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}
