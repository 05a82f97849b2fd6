import type { OptimiserRoundLine } from '@trellis/shared';
import type { StoredVersion } from '../store/graphs.ts';
import type { StoredCandidate } from '../store/optimisations.ts';
import { compactGraph } from './meta-agent.ts';

/**
 * One line per round after round 0: the state the meta-agent was shown (the parent graph in the compact form it
 * read, its score, the failures and the history), what it proposed (every attempt's reply with its problems; the
 * final graph and its edit), and what came of it (score, cost, reward). Graphs are written as the meta-agent reads
 * and writes them, so a line is a ready (prompt, completion, reward) example.
 */
export function roundLines(
  optimisationId: string,
  candidates: readonly StoredCandidate[],
  version: (id: string) => StoredVersion | null,
  simulated: boolean,
): OptimiserRoundLine[] {
  return candidates
    .filter((c) => c.round > 0)
    .map((c) => {
      const parent = c.parentVersionId ? version(c.parentVersionId) : null;
      const proposed = c.versionId ? version(c.versionId) : null;
      return {
        optimisationId,
        round: c.round,
        state: {
          versionId: c.parentVersionId,
          graph: parent ? compactGraph(parent.graph) : null,
          score: c.state.parentScore,
          failures: c.state.failures,
          history: c.state.history,
        },
        proposal: {
          analysis: c.analysis,
          label: c.label,
          edit: c.edit,
          graph: proposed ? compactGraph(proposed.graph) : (c.proposal ?? null),
        },
        attempts: c.attempts,
        reward: c.reward,
        score: c.score?.rate ?? null,
        cost: c.cost,
        valid: c.status !== 'invalid',
        repairs: c.repairs,
        status: c.status,
        simulated,
      };
    });
}

/** The rounds as JSONL, one object and a newline per round: the body of GET /optimisations/:id/rounds.jsonl. */
export function toJsonl(lines: readonly OptimiserRoundLine[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}
