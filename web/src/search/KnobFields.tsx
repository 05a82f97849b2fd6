import { CORRECTOR_TRIGGERS, callsModel, type GraphNode, type KnobName } from '@trellis/shared';
import { kindStyle } from '../kindStyle.ts';
import { type KnobDraft, knobsFor } from './searchDraft.ts';
import type { ModelOption } from './useModelChoices.ts';

const TEXT_KNOBS = {
  maxOutputTokens: { label: 'Max output tokens', placeholder: 'e.g. 512, 1024' },
  temperature: { label: 'Temperature', placeholder: 'e.g. 0, 0.7' },
  summarizerThreshold: { label: 'Summarizer threshold', placeholder: 'tokens, e.g. 4000, 8000' },
  keepLastTurns: { label: 'Kept turns', placeholder: 'e.g. 0, 2, 4' },
} as const satisfies Partial<Record<KnobName, { label: string; placeholder: string }>>;

const TRIGGER_LABEL: Record<(typeof CORRECTOR_TRIGGERS)[number], string> = {
  always: 'always',
  after_failure: 'after a failure',
  never: 'never',
};

interface SavedConfig {
  llm: { model: string | null; thinking: boolean; params: { temperature?: number } };
  budget: { maxOutputTokens: number };
  trigger?: string | { type: string; threshold?: number };
  keepLastTurns?: number;
}

/** What the node runs with as saved, for the hint under each knob. */
function savedValue(node: GraphNode, knob: KnobName): string | null {
  if (!callsModel(node)) return null;
  // Read loosely: which of these settings a node has depends on its kind, and knobsFor only asks for its own.
  const config = node.config as unknown as SavedConfig;
  switch (knob) {
    case 'model':
      return config.llm.model ?? 'the run’s default model';
    case 'maxOutputTokens':
      return String(config.budget.maxOutputTokens);
    case 'thinking':
      return config.llm.thinking ? 'on' : 'off';
    case 'temperature':
      return config.llm.params.temperature === undefined
        ? 'the endpoint’s default'
        : String(config.llm.params.temperature);
    case 'summarizerThreshold': {
      const trigger = typeof config.trigger === 'object' ? config.trigger : undefined;
      return trigger?.type === 'tokens' ? String(trigger.threshold) : (trigger?.type ?? null);
    }
    case 'keepLastTurns':
      return config.keepLastTurns === undefined ? null : String(config.keepLastTurns);
    case 'correctorTrigger':
      return typeof config.trigger === 'string' ? config.trigger : null;
  }
}

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** One node's knobs: the ones its kind has, each a list of values to try; empty leaves the knob as saved. */
export function NodeKnobsFields({
  node,
  value,
  onChange,
  models,
}: {
  node: GraphNode;
  value: KnobDraft;
  onChange: (value: KnobDraft) => void;
  models: ModelOption[];
}) {
  const knobs = knobsFor(node);
  const set = (change: Partial<KnobDraft>) => onChange({ ...value, ...change });
  const saved = (knob: KnobName) => {
    const text = savedValue(node, knob);
    return text === null ? null : <span className="field-hint">saved: {text}</span>;
  };
  const id = `knob-${node.id}`;
  return (
    <fieldset className="knob-node" style={kindStyle(node.kind)} aria-label={`Knobs of ${node.id}`}>
      <legend className="knob-node-name">
        <span className="knob-kind-dot" aria-hidden="true" />
        <strong>{node.id}</strong> <span className="muted small">{node.kind}</span>
      </legend>
      {knobs.length === 0 ? (
        <p className="muted small knob-none">Calls no model: nothing to search.</p>
      ) : (
        <div className="knob-grid">
          {knobs.includes('model') ? (
            <fieldset className="field check-group knob-models">
              <legend className="field-label">Models</legend>
              <div className="app-chips">
                {models.length === 0 ? (
                  <span className="muted small">No endpoint serves a model yet.</span>
                ) : null}
                {models.map((option) => (
                  <label
                    key={option.key}
                    className={`app-chip${value.model.includes(option.key) ? ' is-selected' : ''}`}
                    title={`${option.label} on ${option.endpointLabel}`}
                  >
                    <input
                      type="checkbox"
                      checked={value.model.includes(option.key)}
                      onChange={() => set({ model: toggled(value.model, option.key) })}
                    />
                    {option.label}
                    <span className="muted">· {option.endpointLabel}</span>
                  </label>
                ))}
              </div>
              {saved('model')}
            </fieldset>
          ) : null}
          {(Object.keys(TEXT_KNOBS) as (keyof typeof TEXT_KNOBS)[])
            .filter((knob) => knobs.includes(knob))
            .map((knob) => (
              <label key={knob} className="field">
                <span className="field-label">{TEXT_KNOBS[knob].label}</span>
                <input
                  id={`${id}-${knob}`}
                  value={value[knob]}
                  placeholder={TEXT_KNOBS[knob].placeholder}
                  onChange={(event) => set({ [knob]: event.target.value })}
                />
                {saved(knob)}
              </label>
            ))}
          {knobs.includes('thinking') ? (
            <fieldset className="field check-group">
              <legend className="field-label">Thinking</legend>
              <div className="check-row">
                {[false, true].map((on) => (
                  <label key={String(on)} className="check">
                    <input
                      type="checkbox"
                      checked={value.thinking.includes(on)}
                      onChange={() => set({ thinking: toggled(value.thinking, on) })}
                    />
                    {on ? 'on' : 'off'}
                  </label>
                ))}
              </div>
              {saved('thinking')}
            </fieldset>
          ) : null}
          {knobs.includes('correctorTrigger') ? (
            <fieldset className="field check-group knob-wide">
              <legend className="field-label">Corrector trigger</legend>
              <div className="check-row">
                {CORRECTOR_TRIGGERS.map((trigger) => (
                  <label key={trigger} className="check">
                    <input
                      type="checkbox"
                      checked={value.correctorTrigger.includes(trigger)}
                      onChange={() => set({ correctorTrigger: toggled(value.correctorTrigger, trigger) })}
                    />
                    {TRIGGER_LABEL[trigger]}
                  </label>
                ))}
              </div>
              {saved('correctorTrigger')}
            </fieldset>
          ) : null}
        </div>
      )}
    </fieldset>
  );
}
