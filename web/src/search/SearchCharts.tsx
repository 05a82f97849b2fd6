import type { Search } from '@trellis/shared';
import { useMemo } from 'react';
import { EChart } from '../experiments/EChart.tsx';
import { experimentHref } from '../experiments/links.ts';
import { SimulatedLabel } from '../experiments/SimulatedLabel.tsx';
import { navigate } from '../router.ts';
import { bestSoFarOption, type TrialDatum, trialPoints, trialsScatterOption } from './searchCharts.ts';
import { bestSoFar } from './trials.ts';

/*
 * A search's charts, in a chunk of their own: ECharts loads after the header and the table have rendered.
 */

function NoScoreYet() {
  return (
    <p className="muted small chart-empty" style={{ height: 280 }}>
      No trial has a score yet: points appear as trials finish.
    </p>
  );
}

/** Accuracy against measured compute for every scored trial (a click opens its experiment), and best so far. */
export function SearchCharts({ search }: { search: Search }) {
  const scatter = useMemo(() => trialsScatterOption(search.trials), [search.trials]);
  const scored = useMemo(() => trialPoints(search.trials).length, [search.trials]);
  const curve = useMemo(
    () => bestSoFarOption([{ name: search.name, points: bestSoFar(search.trials) }]),
    [search.trials, search.name],
  );
  return (
    <section className="report-charts" aria-label="Charts">
      <figure className="card chart-card">
        <figcaption className="section-head">
          <h2>Dev TGC against compute</h2>
          <SimulatedLabel simulated={search.simulated} />
        </figcaption>
        {scored === 0 ? (
          <NoScoreYet />
        ) : (
          <EChart
            option={scatter}
            label="Dev task goal completion against measured compute per run, one point per scored trial, coloured by status, the Pareto front dashed"
            onClick={(click) => {
              const datum = click.data as TrialDatum | undefined;
              if (datum?.experimentId) navigate(experimentHref(datum.experimentId));
            }}
          />
        )}
        <p className="small muted chart-note">
          One point per scored trial, at its measured compute per run; the ringed point is the best. Dashed:
          the Pareto front, trials no other beats on both compute and TGC. Click a point to open its
          experiment.
        </p>
      </figure>
      <figure className="card chart-card">
        <figcaption className="section-head">
          <h2>Best dev TGC so far</h2>
          <SimulatedLabel simulated={search.simulated} />
        </figcaption>
        {scored === 0 ? (
          <NoScoreYet />
        ) : (
          <EChart
            option={curve}
            label="The best dev task goal completion so far against the number of trials"
          />
        )}
        <p className="small muted chart-note">
          After each trial, in the order proposed; refused proposals are not trials.
        </p>
      </figure>
    </section>
  );
}

/** Several searches' best-so-far curves on one chart, to compare methods on the same graph. */
export function CompareChart({ searches }: { searches: readonly Search[] }) {
  const option = useMemo(
    () =>
      bestSoFarOption(
        searches.map((search) => ({
          name: `${search.name} (${search.method})`,
          points: bestSoFar(search.trials),
        })),
      ),
    [searches],
  );
  return (
    <EChart
      option={option}
      label="The best dev task goal completion so far against trials, one line per compared search"
      height={300}
    />
  );
}
