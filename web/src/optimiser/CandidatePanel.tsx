import { describeEditChange, type OptimiserCandidate } from '@trellis/shared';
import { rateWithInterval } from '../experiments/format.ts';
import { Link } from '../experiments/Link.tsx';
import { experimentHref, runHref } from '../experiments/links.ts';
import { ForkEditView } from '../replay/ForkEditView.tsx';
import { formatTokens } from '../runs/format.ts';
import { STATUS_LABEL } from './treeOption.ts';

const STAGE_LABEL = {
  reply: 'reading the reply',
  schema: 'graph schema',
  validation: 'validation',
  duplicate: 'repeats a graph',
  dry_run: 'dry run',
} as const;

/** "1 (beat the best so far)": the W4S reward with what it means. */
function rewardText(reward: number | null): string {
  if (reward === null) return '–';
  if (reward >= 1) return `${reward} (beat the best so far)`;
  if (reward > 0) return `${reward} (beat the previous round)`;
  return `${reward} (no gain)`;
}

/**
 * The selected round: its label, status, analysis, the edit (changed paths, before and after, text as line
 * diffs), the repairs and why each proposal was refused, its dev score, cost and reward, and where its experiment,
 * dry run and version are.
 */
export function CandidatePanel({
  candidate,
  best,
  graphName,
}: {
  candidate: OptimiserCandidate;
  best: boolean;
  graphName: string;
}) {
  const c = candidate;
  return (
    <section className="card candidate-panel" aria-label={`Round ${c.round}`} data-testid="candidate-panel">
      <div className="candidate-head">
        <span className="muted small">Round {c.round}</span>
        <h2>{c.label}</h2>
        <span className={`candidate-status status-${c.status}`}>{STATUS_LABEL[c.status]}</span>
        {best ? <span className="tpill tpill-ok">best</span> : null}
      </div>
      {c.reason ? <p className="candidate-reason small">{c.reason}</p> : null}
      <dl className="candidate-facts">
        <dt>Dev TGC</dt>
        <dd>
          <strong>{c.score ? rateWithInterval(c.score) : '–'}</strong>
          {c.score ? (
            <span className="muted small">
              {' '}
              {c.score.successes}/{c.score.n}
            </span>
          ) : null}
        </dd>
        <dt>Tokens per run</dt>
        <dd>{formatTokens(c.cost)}</dd>
        <dt>Reward</dt>
        <dd>{c.round === 0 ? 'none (the starting graph)' : rewardText(c.reward)}</dd>
        <dt>Repairs</dt>
        <dd>{c.round === 0 ? '–' : `${c.repairs} of 3`}</dd>
        <dt>Experiment</dt>
        <dd>
          {c.experimentId ? <Link href={experimentHref(c.experimentId)}>open its dev experiment</Link> : '–'}
        </dd>
        <dt>Dry run</dt>
        <dd>{c.dryRunId ? <Link href={runHref(c.dryRunId)}>the one-task check</Link> : '–'}</dd>
        <dt>Version</dt>
        <dd>
          {c.versionId ? (
            <>
              <code>{c.versionId}</code>
              <span className="muted small">
                {' '}
                of {graphName}: on the <Link href="/canvas">canvas</Link>, File → {graphName}, then Versions →
                Open
              </span>
            </>
          ) : (
            'none saved'
          )}
        </dd>
      </dl>
      {c.analysis ? (
        <div className="candidate-block">
          <h3>Analysis</h3>
          <p className="candidate-analysis">{c.analysis}</p>
        </div>
      ) : null}
      {c.round > 0 ? (
        <div className="candidate-block">
          <h3>
            Edit {c.edit.length > 0 ? `(${c.edit.length} change${c.edit.length === 1 ? '' : 's'})` : ''}
          </h3>
          {c.edit.length === 0 ? (
            <p className="muted small">
              No change was kept:{' '}
              {c.status === 'invalid' ? 'no proposal passed the checks.' : 'the graph is its parent’s.'}
            </p>
          ) : (
            <ForkEditView
              edit={{
                fromVersionId: c.parentVersionId ?? '',
                toVersionId: c.versionId ?? c.parentVersionId ?? '',
                changes: c.edit,
                reply: null,
                summary: c.edit.map(describeEditChange),
              }}
              findings={[]}
            />
          )}
        </div>
      ) : null}
      {c.problems.length > 0 ? (
        <div className="candidate-block">
          <h3>Refused proposals</h3>
          <ol className="candidate-problems small">
            {c.problems.map((problem, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one attempt may have several problems of one stage
              <li key={i}>
                <span className="tpill">
                  {problem.attempt === 0 ? 'first proposal' : `repair ${problem.attempt}`}
                </span>{' '}
                <span className="muted">{STAGE_LABEL[problem.stage]}:</span> {problem.message}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
