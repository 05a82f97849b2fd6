import { useServedModels } from './useServedModels.ts';

/** Picks a model among those the endpoint serves; empty means the endpoint's (or graph's) default. */
export function ModelSelect({
  endpointId,
  value,
  onChange,
  defaultLabel,
  label = 'Model',
}: {
  endpointId: string | null;
  value: string | null;
  onChange: (model: string | null) => void;
  defaultLabel: string;
  label?: string;
}) {
  const { models, loading, problem } = useServedModels(endpointId);
  const options = value && !models.includes(value) ? [...models, value] : models;
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        value={value ?? ''}
        disabled={endpointId === null && value === null}
        onChange={(event) => onChange(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">{defaultLabel}</option>
        {options.map((model) => (
          <option key={model} value={model}>
            {models.includes(model) ? model : `${model} (not served)`}
          </option>
        ))}
      </select>
      {endpointId === null ? (
        <span className="field-hint">Choose an endpoint to list its models</span>
      ) : loading ? (
        <span className="field-hint">Asking the endpoint for its models…</span>
      ) : problem ? (
        <span className="field-hint field-hint-warn">Cannot list models: {problem}</span>
      ) : null}
    </label>
  );
}
