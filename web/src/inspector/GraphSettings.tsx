import { GraphLimits } from '@trellis/shared';
import { useEditor, useEditorStore } from '../canvas/store/EditorProvider.tsx';
import { useValidation } from '../canvas/validation.tsx';
import { EndpointSelect } from './EndpointSelect.tsx';
import { ModelSelect } from './ModelSelect.tsx';
import { TextInput } from './TextInput.tsx';
import { INVALID, useDraft } from './useDraft.ts';

function LimitInput({
  label,
  value,
  onCommit,
  issues,
  placeholder,
  hint,
}: {
  label: string;
  value: number | null;
  onCommit: (value: number | null) => void;
  issues: string[];
  placeholder?: string;
  hint: string;
}) {
  const { draft, setDraft, error, setError } = useDraft<number | null>(
    value,
    (v) => (v === null ? '' : String(v)),
    (t) => (t.trim() === '' ? null : Number.isInteger(Number(t)) ? Number(t) : INVALID),
  );
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        type="number"
        step={1}
        value={draft}
        placeholder={placeholder}
        aria-invalid={error || issues.length > 0 ? true : undefined}
        onChange={(event) => {
          const text = event.target.value;
          setDraft(text);
          if (text.trim() === '' && placeholder) {
            setError(null);
            return onCommit(null);
          }
          if (!Number.isInteger(Number(text)) || text.trim() === '') return setError('enter a whole number');
          setError(null);
          onCommit(Number(text));
        }}
      />
      {!error && issues.length === 0 ? <span className="field-hint">{hint}</span> : null}
      {error ? <span className="field-error">{error}</span> : null}
      {issues.map((m) => (
        <span key={m} className="field-error" data-testid="field-issue">
          {m}
        </span>
      ))}
    </label>
  );
}

/** Graph-level settings: name, description, the run's default binding, limits and the entry node. */
export function GraphSettings() {
  const store = useEditorStore();
  const name = useEditor((s) => s.graph.name);
  const description = useEditor((s) => s.graph.description);
  const defaults = useEditor((s) => s.graph.defaults);
  const limits = useEditor((s) => s.graph.limits);
  const entry = useEditor((s) => s.graph.entry);
  const nodes = useEditor((s) => s.graph.nodes);
  const { issues } = useValidation();
  const issuesFor = (field: string) =>
    issues.filter((i) => i.field === field && !i.nodeId).map((i) => i.message);
  const update = store.getState().updateGraph;

  return (
    <section className="insp-section" aria-label="Graph settings">
      <header className="insp-head">
        <div>
          <h2>Graph settings</h2>
          <p className="muted small">Select a node or an edge to edit it.</p>
        </div>
      </header>
      <div className="insp-grid">
        <TextInput
          label="Name"
          value={name}
          max={120}
          required
          onCommit={(v) => update((g) => ({ ...g, name: v }), 'graph:name')}
        />
        <TextInput
          label="Description"
          value={description}
          max={4000}
          multiline
          onCommit={(v) => update((g) => ({ ...g, description: v }), 'graph:description')}
        />
        <EndpointSelect
          label="Default endpoint"
          value={defaults.endpointId}
          emptyLabel="None (nodes bind their own)"
          issues={issuesFor('defaults.endpointId')}
          onChange={(endpointId) =>
            update((g) => ({ ...g, defaults: { endpointId, model: endpointId ? g.defaults.model : null } }))
          }
        />
        <ModelSelect
          label="Default model"
          endpointId={defaults.endpointId}
          value={defaults.model}
          defaultLabel="Endpoint default"
          onChange={(model) => update((g) => ({ ...g, defaults: { ...g.defaults, model } }))}
        />
        <LimitInput
          label="Max steps"
          value={limits.maxSteps}
          hint="Turns per task (1–200)"
          issues={issuesFor('limits.maxSteps')}
          onCommit={(maxSteps) => {
            if (maxSteps !== null && GraphLimits.shape.maxSteps.safeParse(maxSteps).success)
              update((g) => ({ ...g, limits: { ...g.limits, maxSteps } }), 'graph:maxSteps');
          }}
        />
        <LimitInput
          label="Token budget"
          value={limits.tokenBudget}
          placeholder="no limit"
          hint="Tokens per task across all roles; empty for no limit"
          issues={issuesFor('limits.tokenBudget')}
          onCommit={(tokenBudget) =>
            update((g) => ({ ...g, limits: { ...g.limits, tokenBudget } }), 'graph:tokenBudget')
          }
        />
        <label className="field field-wide">
          <span className="field-label">Entry node</span>
          <select
            value={entry}
            onChange={(event) => update((g) => ({ ...g, entry: event.target.value }))}
            aria-invalid={issuesFor('entry').length > 0 ? true : undefined}
          >
            {nodes.some((n) => n.id === entry) ? null : <option value={entry}>{entry || '(none)'}</option>}
            {nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label || n.id} ({n.id})
              </option>
            ))}
          </select>
          <span className="field-hint">Each turn starts at this node</span>
          {issuesFor('entry').map((m) => (
            <span key={m} className="field-error">
              {m}
            </span>
          ))}
        </label>
      </div>
    </section>
  );
}
