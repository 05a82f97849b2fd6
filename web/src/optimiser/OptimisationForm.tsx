import type { Optimisation } from '@trellis/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useEndpoints } from '../api/endpoints.ts';
import { useSaveGraphVersion } from '../api/graphs.ts';
import { useCreateOptimisation } from '../api/optimisations.ts';
import { useTasks } from '../api/tasks.ts';
import { TaskSetFields } from '../experiments/TaskSetFields.tsx';
import { EndpointSelect } from '../search/EndpointSelect.tsx';
import { GraphPicker, useChosenGraph } from '../search/GraphPicker.tsx';
import { useTaskApps } from '../tasks/useTaskApps.ts';
import { emptyOptimiserDraft, type OptimiserDraft, toOptimiserRequest } from './optimiserDraft.ts';

const DEV_ONLY =
  'an optimisation reads only the dev split; the test split is read once, to confirm, after it ends';

/**
 * Starts an optimisation: the starting graph, where nodes binding none run, the dev tasks, the rounds, the
 * meta-agent that proposes the edits and how many failures it is shown. A refusal from the server is shown above
 * the buttons and the form keeps what was typed.
 */
export function OptimisationForm({
  onCreated,
  onCancel,
}: {
  onCreated: (optimisation: Optimisation) => void;
  onCancel: (() => void) | undefined;
}) {
  const [draft, setDraft] = useState<OptimiserDraft>(emptyOptimiserDraft);
  const [problems, setProblems] = useState<string[]>([]);
  const create = useCreateOptimisation();
  const saveVersion = useSaveGraphVersion();
  const endpoints = useEndpoints();
  const allTasks = useTasks({});
  const apps = useTaskApps();
  const { graph } = useChosenGraph(draft.graph);
  const update = (change: Partial<OptimiserDraft>) => {
    if (create.error) create.reset();
    if (saveVersion.error) saveVersion.reset();
    setDraft((d) => ({ ...d, ...change }));
  };
  const only = endpoints.data?.length === 1 ? endpoints.data[0]!.id : null;
  useEffect(() => {
    if (only === null) return;
    setDraft((d) => ({ ...d, endpointId: d.endpointId ?? only, metaEndpointId: d.metaEndpointId ?? only }));
  }, [only]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft.graph || !graph) {
      setProblems([draft.graph ? 'The graph is still loading.' : 'Choose the graph to start from.']);
      return;
    }
    const result = toOptimiserRequest(draft, '');
    setProblems(result.problems);
    if (!result.request) return;
    try {
      const graphVersionId =
        draft.graph.kind === 'graph'
          ? draft.graph.versionId
          : (await saveVersion.mutateAsync({ graph, message: 'saved to be optimised' })).id;
      create.mutate({ ...result.request, graphVersionId }, { onSuccess: onCreated });
    } catch {
      // saveVersion.error is shown below.
    }
  };

  return (
    <form className="card form experiment-form" aria-label="New optimisation" onSubmit={submit} noValidate>
      <div className="experiment-form-head">
        <h2>New optimisation</h2>
        <label className="field experiment-name">
          <span className="field-label">Name</span>
          <input
            value={draft.name}
            maxLength={120}
            placeholder="Named from its graph when left empty"
            onChange={(event) => update({ name: event.target.value })}
          />
        </label>
      </div>

      <fieldset className="form-section">
        <legend>Starting graph</legend>
        <div className="search-graph-row">
          <GraphPicker value={draft.graph} onChange={(choice) => update({ graph: choice })} label="Graph" />
          <EndpointSelect
            label="Endpoint · model for nodes binding none"
            endpointId={draft.endpointId}
            model={draft.model}
            empty="as the graph binds"
            hint="Every round’s graph runs there; the meta-agent may bind nodes itself."
            onChange={(choice) => update(choice)}
          />
        </div>
        <p className="small muted form-note">
          It is scored as it is first (round 0); each round then edits the best graph so far.
        </p>
      </fieldset>

      <TaskSetFields
        value={draft.tasks}
        onChange={(tasks) => update({ tasks })}
        tasks={allTasks.data}
        apps={apps}
        split={{ split: 'dev', why: DEV_ONLY }}
      />

      <fieldset className="form-section">
        <legend>Meta-agent and rounds</legend>
        <p className="small muted form-note">
          Each round the meta-agent reads the best graph, its dev score, sampled failures and the earlier
          rounds, and proposes an edit with its analysis; the edit is checked, dry-run on one dev task and
          repaired up to three times, then scored on the dev tasks.
        </p>
        <div className="limits optimiser-limits">
          <EndpointSelect
            label="Meta-agent endpoint · model"
            endpointId={draft.metaEndpointId}
            model={draft.metaModel}
            onChange={(choice) => update({ metaEndpointId: choice.endpointId, metaModel: choice.model })}
          />
          <label className="field">
            <span className="field-label">Rounds</span>
            <input
              type="number"
              min={1}
              max={30}
              value={draft.rounds}
              onChange={(event) => update({ rounds: event.target.value })}
            />
            <span className="field-hint">Edits proposed after the starting graph (W4S uses about ten)</span>
          </label>
          <label className="field">
            <span className="field-label">Failure samples</span>
            <input
              type="number"
              min={0}
              max={20}
              value={draft.failureSamples}
              onChange={(event) => update({ failureSamples: event.target.value })}
            />
            <span className="field-hint">Failed dev runs of the best graph shown each round</span>
          </label>
          <label className="field">
            <span className="field-label">Repeats</span>
            <input
              type="number"
              min={1}
              max={10}
              value={draft.repeats}
              onChange={(event) => update({ repeats: event.target.value })}
            />
            <span className="field-hint">Runs of each dev task per round</span>
          </label>
          <label className="field">
            <span className="field-label">Concurrency per endpoint</span>
            <input
              type="number"
              min={1}
              max={256}
              value={draft.concurrency}
              onChange={(event) => update({ concurrency: event.target.value })}
            />
            <span className="field-hint">Runs in flight at once on each inference server</span>
          </label>
        </div>
      </fieldset>

      {problems.length > 0 ? (
        <div className="banner banner-error" role="alert">
          <strong>Not started</strong>
          {problems.map((problem) => (
            <span key={problem}>{problem}</span>
          ))}
        </div>
      ) : null}
      {saveVersion.error ? (
        <div className="banner banner-error" role="alert">
          <strong>The preset could not be saved as a graph version</strong>
          <span>{saveVersion.error.message}</span>
        </div>
      ) : null}
      {create.error ? (
        <div className="banner banner-error" role="alert">
          <strong>The server refused this optimisation</strong>
          <span>{create.error.message}</span>
        </div>
      ) : null}
      <div className="actions">
        {onCancel ? (
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="primary" disabled={create.isPending || saveVersion.isPending}>
          {create.isPending || saveVersion.isPending ? 'Starting…' : 'Start optimisation'}
        </button>
      </div>
    </form>
  );
}
