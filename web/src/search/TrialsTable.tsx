import type { SearchTrial, TrialStatus } from '@trellis/shared';
import { rateWithInterval } from '../experiments/format.ts';
import { Link } from '../experiments/Link.tsx';
import { experimentHref } from '../experiments/links.ts';
import { SimulatedLabel } from '../experiments/SimulatedLabel.tsx';
import { navigate } from '../router.ts';
import { formatTokens } from '../runs/format.ts';
import { describeAllocation } from './allocation.ts';
import { reusedFrom, trialNumber } from './trials.ts';

const STATUS_CLASS: Record<TrialStatus, string> = {
  running: 'trial-running',
  done: 'trial-done',
  reused: 'trial-reused',
  refused: 'trial-refused',
  errored: 'trial-errored',
};

function TrialRow({ trial, best }: { trial: SearchTrial; best: boolean }) {
  const href = trial.experimentId ? experimentHref(trial.experimentId) : null;
  const from = reusedFrom(trial);
  const note = trial.reason ?? from;
  return (
    <tr
      className={`run-row${best ? ' is-best' : ''}${href ? '' : ' is-static'}`}
      onClick={href ? () => navigate(href) : undefined}
      data-testid="trial-row"
    >
      <td className="num">{trialNumber(trial.index)}</td>
      <td className="num">{trial.round}</td>
      <td className="trial-allocation">
        <span>
          {trial.status === 'refused' && Object.keys(trial.allocation).length === 0
            ? 'no allocation could be read'
            : describeAllocation(trial.allocation)}
        </span>
        {best ? <span className="tpill tpill-ok">best</span> : null}
        {trial.rationale ? (
          <span className="trial-rationale muted small" title={trial.rationale}>
            {trial.rationale}
          </span>
        ) : null}
      </td>
      <td>
        <span className={`trial-status ${STATUS_CLASS[trial.status]}`}>{trial.status}</span>
        {note ? (
          <span className="trial-note small muted" title={note}>
            {note}
          </span>
        ) : null}
      </td>
      <td className="num rate">{trial.score ? rateWithInterval(trial.score) : '–'}</td>
      <td className="num">{formatTokens(trial.compute)}</td>
      <td className="num">{formatTokens(trial.tokens)}</td>
      <td className="num muted">{formatTokens(trial.declaredCost)}</td>
      <td>
        {href ? (
          <Link href={href} title="Open this trial's experiment">
            experiment
          </Link>
        ) : (
          <span className="muted small">none</span>
        )}
      </td>
    </tr>
  );
}

/** Every trial and refused proposal in the order proposed; a row opens the trial's experiment. */
export function TrialsTable({
  trials,
  bestIndex,
  simulated,
}: {
  trials: readonly SearchTrial[];
  bestIndex: number | null;
  simulated: boolean;
}) {
  const sorted = [...trials].sort((a, b) => a.index - b.index);
  return (
    <section className="card report-section" aria-label="Trials">
      <div className="section-head">
        <h2>Trials</h2>
        <SimulatedLabel simulated={simulated} />
        <span className="muted small">
          Dev TGC in percent with its Wilson interval; compute and tokens are means per run. A row opens the
          trial’s experiment.
        </span>
      </div>
      {sorted.length === 0 ? (
        <p className="muted small">No trial proposed yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="report-table trials-table">
            <thead>
              <tr>
                <th className="num">Trial</th>
                <th className="num">Round</th>
                <th>Allocation</th>
                <th>Status</th>
                <th className="num">Dev TGC</th>
                <th className="num">Compute</th>
                <th className="num">Tokens</th>
                <th className="num" title="Declared cost: Σ output weight × max output tokens">
                  Declared
                </th>
                <th>Experiment</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((trial) => (
                <TrialRow key={trial.index} trial={trial} best={trial.index === bestIndex} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
