import { useEndpoints } from '../api/endpoints.ts';
import { decodeChoice, encodeChoice, endpointOptions } from '../canvas/run/runEndpoint.ts';
import { endpointName } from '../inspector/endpointName.ts';
import { useServedModelsOf } from '../inspector/useServedModels.ts';

/** An endpoint and model from the registered endpoints (each default model, then every other model served). */
export function EndpointSelect({
  label,
  endpointId,
  model,
  onChange,
  empty,
  hint,
}: {
  label: string;
  endpointId: string | null;
  model: string | null;
  onChange: (choice: { endpointId: string | null; model: string | null }) => void;
  /** The empty option's text; without it an endpoint must be chosen. */
  empty?: string;
  hint?: string;
}) {
  const endpoints = useEndpoints();
  const served = useServedModelsOf((endpoints.data ?? []).map((e) => e.id));
  const options = endpointOptions(endpoints.data, served, (e) => endpointName(e, served.get(e.id)), {
    endpointId,
    model,
  });
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        aria-label={label}
        value={endpointId === null ? '' : encodeChoice(endpointId, model)}
        onChange={(event) => onChange(decodeChoice(event.target.value))}
      >
        <option value="">{empty ?? 'Choose an endpoint…'}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}
