import { ablationArms, type Experiment } from '@trellis/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useEndpoints } from '../api/endpoints.ts';
import { useCreateExperiment } from '../api/experiments.ts';
import { useTasks } from '../api/tasks.ts';
import { endpointOptions } from '../canvas/run/runEndpoint.ts';
import { endpointName } from '../inspector/endpointName.ts';
import { useServedModelsOf } from '../inspector/useServedModels.ts';
import { useTaskApps } from '../tasks/useTaskApps.ts';
import { ArmRow } from './ArmRow.tsx';
import {
  type ArmDraft,
  armDraftFrom,
  type ExperimentDraft,
  emptyArm,
  emptyDraft,
  matchingTasks,
  removeArm,
  toRequest,
} from './experimentDraft.ts';
import { count } from './format.ts';
import { TaskSetFields } from './TaskSetFields.tsx';

const MAX_ARMS = 12;

/**
 * Starts an experiment: arms (a preset or a saved graph version each, on an endpoint and model), the task set,
 * repeats and limits. A refusal from the server is shown above the buttons and the form keeps what was typed.
 */
export function ExperimentForm({
  onCreated,
  onCancel,
}: {
  onCreated: (experiment: Experiment) => void;
  onCancel: (() => void) | undefined;
}) {
  const [draft, setDraft] = useState<ExperimentDraft>(emptyDraft);
  const [problems, setProblems] = useState<string[]>([]);
  const create = useCreateExperiment();
  const endpoints = useEndpoints();
  const served = useServedModelsOf((endpoints.data ?? []).map((e) => e.id));
  const allTasks = useTasks({});
  const apps = useTaskApps();
  // A refusal answers the form as it was sent: once it changes, the refusal no longer applies.
  const update = (change: (d: ExperimentDraft) => ExperimentDraft) => {
    if (create.error) create.reset();
    setDraft(change);
  };
  const set = (change: Partial<ExperimentDraft>) => update((d) => ({ ...d, ...change }));
  // With a single endpoint registered there is nothing to choose: a preset binds none, so it is the one to use.
  const only = endpoints.data?.length === 1 ? endpoints.data[0]!.id : null;
  useEffect(() => {
    if (only === null) return;
    setDraft((d) =>
      d.arms.every((a) => a.endpointId === null)
        ? { ...d, arms: d.arms.map((a) => ({ ...a, endpointId: only })) }
        : d,
    );
  }, [only]);
  const setArm = (index: number, arm: ArmDraft) =>
    update((d) => ({ ...d, arms: d.arms.map((a, i) => (i === index ? arm : a)) }));
  const first = draft.arms[0];
  const binding = { endpointId: first?.endpointId ?? null, model: first?.model ?? null };
  const fillAblation = () =>
    set({
      arms: ablationArms({
        ...(binding.endpointId ? { endpointId: binding.endpointId } : {}),
        ...(binding.endpointId && binding.model ? { model: binding.model } : {}),
      }).map(armDraftFrom),
      baselineArm: 0,
    });
  const taskCount = allTasks.data ? matchingTasks(allTasks.data, draft.tasks).length : null;
  const repeats = Number(draft.repeats);
  const runs =
    taskCount !== null && Number.isInteger(repeats) && repeats > 0
      ? draft.arms.length * taskCount * repeats
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = toRequest(draft);
    setProblems(result.problems);
    if (result.request) create.mutate(result.request, { onSuccess: onCreated });
  };

  return (
    <form className="card form experiment-form" aria-label="New experiment" onSubmit={submit} noValidate>
      <div className="experiment-form-head">
        <h2>New experiment</h2>
        <label className="field experiment-name">
          <span className="field-label">Name</span>
          <input
            value={draft.name}
            maxLength={120}
            placeholder="Named from its arms and tasks when left empty"
            onChange={(event) => set({ name: event.target.value })}
          />
        </label>
      </div>

      <fieldset className="form-section">
        <legend>Arms</legend>
        <div className="arm-head small muted" aria-hidden="true">
          <span>Baseline</span>
          <span>Scaffold</span>
          <span>Label</span>
          <span>Endpoint · model (whole graph)</span>
          <span />
        </div>
        {draft.arms.map((arm, index) => (
          <ArmRow
            key={arm.key}
            index={index}
            arm={arm}
            baseline={draft.baselineArm === index}
            optionsFor={(chosen) =>
              endpointOptions(endpoints.data, served, (e) => endpointName(e, served.get(e.id)), chosen)
            }
            onChange={(next) => setArm(index, next)}
            onBaseline={() => set({ baselineArm: index })}
            onRemove={draft.arms.length > 1 ? () => update((d) => removeArm(d, index)) : undefined}
          />
        ))}
        <div className="arm-actions">
          <button
            type="button"
            className="small"
            disabled={draft.arms.length >= MAX_ARMS}
            onClick={() => set({ arms: [...draft.arms, emptyArm(binding)] })}
          >
            Add arm
          </button>
          <button
            type="button"
            className="small"
            title="The three-roles study's ablation: plain agent (baseline), summarizer only, corrector only, all three roles — on the first arm's endpoint and model"
            onClick={fillAblation}
          >
            Ablation (4 presets)
          </button>
          <span className="small muted">
            An empty endpoint runs each node where the graph binds it; a chosen one runs every node there.
          </span>
        </div>
      </fieldset>

      <TaskSetFields
        value={draft.tasks}
        onChange={(tasks) => set({ tasks })}
        tasks={allTasks.data}
        apps={apps}
      />

      <fieldset className="form-section limits">
        <legend>Repeats and limits</legend>
        <label className="field">
          <span className="field-label">Repeats</span>
          <input
            type="number"
            min={1}
            max={20}
            value={draft.repeats}
            onChange={(event) => set({ repeats: event.target.value })}
          />
          <span className="field-hint">Each repeat has its own seed, the same in every arm</span>
        </label>
        <label className="field">
          <span className="field-label">Concurrency per endpoint</span>
          <input
            type="number"
            min={1}
            max={256}
            value={draft.concurrency}
            onChange={(event) => set({ concurrency: event.target.value })}
          />
          <span className="field-hint">Runs in flight at once on each inference server</span>
        </label>
        <label className="field">
          <span className="field-label">Token budget</span>
          <input
            inputMode="numeric"
            value={draft.tokenBudget}
            placeholder="no limit"
            onChange={(event) => set({ tokenBudget: event.target.value })}
          />
          <span className="field-hint">
            Prompt and completion tokens for the whole experiment; it stops once spent
          </span>
        </label>
      </fieldset>

      {problems.length > 0 ? (
        <div className="banner banner-error" role="alert">
          <strong>Not started</strong>
          {problems.map((problem) => (
            <span key={problem}>{problem}</span>
          ))}
        </div>
      ) : null}
      {create.error ? (
        <div className="banner banner-error" role="alert">
          <strong>The server refused this experiment</strong>
          <span>{create.error.message}</span>
        </div>
      ) : null}
      <div className="actions">
        <span className="small muted push-start" data-testid="run-count">
          {runs === null
            ? ''
            : `${count(draft.arms.length, 'arm')} × ${count(taskCount ?? 0, 'task')} × ${count(repeats, 'repeat')} = ${count(runs, 'run')}`}
        </span>
        {onCancel ? (
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Starting…' : 'Start experiment'}
        </button>
      </div>
    </form>
  );
}
