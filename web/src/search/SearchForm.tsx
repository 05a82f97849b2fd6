import type { Search, SearchMethod } from '@trellis/shared';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useEndpoints } from '../api/endpoints.ts';
import { useSaveGraphVersion } from '../api/graphs.ts';
import { useCreateSearch } from '../api/searches.ts';
import { useTasks } from '../api/tasks.ts';
import { count } from '../experiments/format.ts';
import { TaskSetFields } from '../experiments/TaskSetFields.tsx';
import { formatTokens } from '../runs/format.ts';
import { useTaskApps } from '../tasks/useTaskApps.ts';
import { countWithinBudget } from './budget.ts';
import { EndpointSelect } from './EndpointSelect.tsx';
import { GraphPicker, useChosenGraph } from './GraphPicker.tsx';
import { NodeKnobsFields } from './KnobFields.tsx';
import {
  budgetOf,
  emptyKnobs,
  emptySearchDraft,
  type SearchDraft,
  spaceOf,
  toSearchRequest,
  weighableModels,
  weightsOf,
} from './searchDraft.ts';
import { useModelChoices } from './useModelChoices.ts';

export const DEV_ONLY =
  'searches read only the dev split; the test split is read once, to confirm, after the search';

const METHODS: { method: SearchMethod; label: string; hint: string }[] = [
  { method: 'random', label: 'Random', hint: 'Allocations drawn uniformly from the grid, none twice.' },
  {
    method: 'bayesian',
    label: 'Bayesian',
    hint: 'A random forest fitted to the trials so far picks the allocations with the highest expected improvement.',
  },
  {
    method: 'proposer',
    label: 'Proposer model',
    hint: 'A model reads the space, the budget rule and every result so far, proposes a batch, and writes a lesson per round.',
  },
];

/** What the trials asked for will come to, given how many allocations fit the budget. */
function summary(within: number | null, trials: number): string {
  if (within === null || !Number.isInteger(trials) || trials < 1) return '';
  if (within === 0) return 'No allocation fits the budget: raise it, or search cheaper values.';
  if (trials > within)
    return `Only ${count(within, 'allocation')} ${within === 1 ? 'fits' : 'fit'} the budget: at most ${within} of the ${trials} trials will run.`;
  return `${count(trials, 'trial')} among ${count(within, 'allocation')} within the budget.`;
}

/**
 * Starts a search: the graph, where nodes binding none run, the dev tasks, the knobs per node, the compute rule and
 * budget, the method and the number of trials. The grid's size and how much of it fits the budget are counted as
 * the form is filled in; a refusal from the server is shown above the buttons and the form keeps what was typed.
 */
export function SearchForm({
  onCreated,
  onCancel,
}: {
  onCreated: (search: Search) => void;
  onCancel: (() => void) | undefined;
}) {
  const [draft, setDraft] = useState<SearchDraft>(emptySearchDraft);
  const [problems, setProblems] = useState<string[]>([]);
  const create = useCreateSearch();
  const saveVersion = useSaveGraphVersion();
  const endpoints = useEndpoints();
  const allTasks = useTasks({});
  const apps = useTaskApps();
  const models = useModelChoices();
  const chosen = useChosenGraph(draft.graph);
  const graph = chosen.graph;
  const update = (change: (d: SearchDraft) => SearchDraft) => {
    if (create.error) create.reset();
    if (saveVersion.error) saveVersion.reset();
    setDraft(change);
  };
  const set = (change: Partial<SearchDraft>) => update((d) => ({ ...d, ...change }));
  // With a single endpoint registered, nodes binding none run there, and a proposer model asks it.
  const only = endpoints.data?.length === 1 ? endpoints.data[0]!.id : null;
  useEffect(() => {
    if (only === null) return;
    setDraft((d) => ({
      ...d,
      endpointId: d.endpointId ?? only,
      proposerEndpointId: d.proposerEndpointId ?? only,
    }));
  }, [only]);

  const defaultModel =
    draft.model ?? (draft.endpointId ? (models.endpointModels[draft.endpointId] ?? null) : null);
  const weighable = graph ? weighableModels(graph, draft.knobs, defaultModel) : [];
  const budget = budgetOf(draft.budget);
  const grid = useMemo(() => {
    if (!graph) return null;
    const { space, problems } = spaceOf(graph, draft.knobs);
    const { weights } = weightsOf(draft.weights);
    if (problems.length > 0) return null;
    return countWithinBudget(
      graph,
      space,
      { weights },
      { model: defaultModel, endpointModels: models.endpointModels },
      budget,
    );
  }, [graph, draft.knobs, draft.weights, defaultModel, models.endpointModels, budget]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft.graph || !graph) {
      setProblems([draft.graph ? 'The graph is still loading.' : 'Choose a graph to search.']);
      return;
    }
    const result = toSearchRequest(draft, graph, '');
    setProblems(result.problems);
    if (!result.request) return;
    try {
      const graphVersionId =
        draft.graph.kind === 'graph'
          ? draft.graph.versionId
          : (await saveVersion.mutateAsync({ graph, message: 'saved to be searched' })).id;
      create.mutate({ ...result.request, graphVersionId }, { onSuccess: onCreated });
    } catch {
      // saveVersion.error is shown below.
    }
  };

  return (
    <form
      className="card form experiment-form search-form"
      aria-label="New search"
      onSubmit={submit}
      noValidate
    >
      <div className="experiment-form-head">
        <h2>New search</h2>
        <label className="field experiment-name">
          <span className="field-label">Name</span>
          <input
            value={draft.name}
            maxLength={120}
            placeholder="Named from its method and graph when left empty"
            onChange={(event) => set({ name: event.target.value })}
          />
        </label>
      </div>

      <fieldset className="form-section search-graph">
        <legend>Graph</legend>
        <div className="search-graph-row">
          <GraphPicker value={draft.graph} onChange={(graphChoice) => set({ graph: graphChoice })} />
          <EndpointSelect
            label="Endpoint · model for nodes binding none"
            endpointId={draft.endpointId}
            model={draft.model}
            empty="as the graph binds"
            hint="A model knob overrides it on its node."
            onChange={(choice) => set(choice)}
          />
        </div>
      </fieldset>

      <TaskSetFields
        value={draft.tasks}
        onChange={(tasks) => set({ tasks })}
        tasks={allTasks.data}
        apps={apps}
        split={{ split: 'dev', why: DEV_ONLY }}
      />

      <fieldset className="form-section">
        <legend>Knobs</legend>
        {graph ? (
          <>
            <p className="small muted form-note">
              Each knob lists the values to try; a knob left empty stays as the graph saves it. Every trial is
              one allocation: one value per knob.
            </p>
            <div className="knob-nodes">
              {graph.nodes.map((node) => (
                <NodeKnobsFields
                  key={node.id}
                  node={node}
                  value={draft.knobs[node.id] ?? emptyKnobs()}
                  models={models.options}
                  onChange={(knobs) => update((d) => ({ ...d, knobs: { ...d.knobs, [node.id]: knobs } }))}
                />
              ))}
            </div>
          </>
        ) : (
          <p className="small muted form-note">
            {draft.graph ? 'Loading the graph…' : 'Choose a graph: its nodes’ knobs are listed here.'}
          </p>
        )}
      </fieldset>

      <fieldset className="form-section compute-rule">
        <legend>Compute rule and budget</legend>
        <p className="small muted form-note">
          A trial’s declared cost is the sum over the nodes that call a model of its model’s output weight ×
          its max output tokens; allocations above the budget are refused before they run. Measured compute
          weighs each call’s prompt and completion tokens the same way. A model with no weight weighs 1, so
          without weights compute is plain tokens.
        </p>
        <div className="compute-row">
          {weighable.length > 0 ? (
            <table className="report-table weights-table">
              <thead>
                <tr>
                  <th>Model</th>
                  <th className="num">Input weight</th>
                  <th className="num">Output weight</th>
                </tr>
              </thead>
              <tbody>
                {weighable.map((model) => {
                  const typed = draft.weights[model] ?? { input: '', output: '' };
                  const setWeight = (side: 'input' | 'output', text: string) =>
                    update((d) => ({ ...d, weights: { ...d.weights, [model]: { ...typed, [side]: text } } }));
                  return (
                    <tr key={model}>
                      <th scope="row">{model}</th>
                      {(['input', 'output'] as const).map((side) => (
                        <td key={side} className="num">
                          <input
                            aria-label={`${side} weight of ${model}`}
                            inputMode="decimal"
                            placeholder="1"
                            value={typed[side]}
                            onChange={(event) => setWeight(side, event.target.value)}
                          />
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          <div className="budget-field">
            <label className="field">
              <span className="field-label">Budget (declared cost per trial)</span>
              <input
                inputMode="numeric"
                value={draft.budget}
                placeholder={
                  grid ? `e.g. ${Math.round(grid.costliest).toLocaleString('en-US')}` : 'e.g. 4096'
                }
                onChange={(event) => set({ budget: event.target.value })}
              />
            </label>
            {grid ? (
              <p className="small muted" data-testid="grid-count">
                {count(grid.total, 'allocation')} in the grid
                {grid.within !== null ? (
                  <>
                    ,{' '}
                    <strong className={grid.within === 0 ? 'result-fail' : undefined}>
                      {grid.within.toLocaleString('en-US')} within the budget
                    </strong>
                  </>
                ) : null}
                . Declared cost {formatTokens(grid.cheapest)}
                {grid.costliest !== grid.cheapest ? ` to ${formatTokens(grid.costliest)}` : ''}.{' '}
                {grid.within !== grid.total ? (
                  <button
                    type="button"
                    className="link small"
                    onClick={() => set({ budget: String(Math.ceil(grid.costliest)) })}
                  >
                    Allow every allocation
                  </button>
                ) : null}
              </p>
            ) : null}
          </div>
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Method and trials</legend>
        <div className="segmented" role="radiogroup" aria-label="Method">
          {METHODS.map(({ method, label }) => (
            <label key={method} className={draft.method === method ? 'is-selected' : ''}>
              <input
                type="radio"
                name="search-method"
                checked={draft.method === method}
                onChange={() => set({ method })}
              />
              {label}
            </label>
          ))}
        </div>
        <p className="small muted form-note">{METHODS.find((m) => m.method === draft.method)!.hint}</p>
        <div className="limits search-limits">
          {draft.method === 'proposer' ? (
            <EndpointSelect
              label="Proposer endpoint · model"
              endpointId={draft.proposerEndpointId}
              model={draft.proposerModel}
              onChange={(choice) =>
                set({ proposerEndpointId: choice.endpointId, proposerModel: choice.model })
              }
            />
          ) : null}
          <label className="field">
            <span className="field-label">Trials</span>
            <input
              type="number"
              min={1}
              max={200}
              value={draft.trials}
              onChange={(event) => set({ trials: event.target.value })}
            />
            <span className="field-hint">
              Allocations evaluated; a reused one counts, a refused one does not
            </span>
          </label>
          <label className="field">
            <span className="field-label">Batch size</span>
            <input
              type="number"
              min={1}
              max={16}
              value={draft.batchSize}
              onChange={(event) => set({ batchSize: event.target.value })}
            />
            <span className="field-hint">Allocations proposed per round and run at once</span>
          </label>
          <label className="field">
            <span className="field-label">Seed</span>
            <input
              inputMode="numeric"
              value={draft.seed}
              placeholder="drawn when empty"
              onChange={(event) => set({ seed: event.target.value })}
            />
            <span className="field-hint">The proposals’ random draws</span>
          </label>
          <label className="field">
            <span className="field-label">Repeats</span>
            <input
              type="number"
              min={1}
              max={10}
              value={draft.repeats}
              onChange={(event) => set({ repeats: event.target.value })}
            />
            <span className="field-hint">
              Runs of each task per trial, with the same seeds in every trial
            </span>
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
          <strong>The server refused this search</strong>
          <span>{create.error.message}</span>
        </div>
      ) : null}
      <div className="actions">
        <span className="small muted push-start" data-testid="search-summary">
          {summary(grid?.within ?? null, Number(draft.trials))}
        </span>
        {onCancel ? (
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="primary" disabled={create.isPending || saveVersion.isPending}>
          {create.isPending || saveVersion.isPending ? 'Starting…' : 'Start search'}
        </button>
      </div>
    </form>
  );
}
