import { useId } from 'react';
import { useEndpoints } from '../../api/endpoints.ts';
import { endpointName } from '../../inspector/endpointName.ts';
import { useServedModelsOf } from '../../inspector/useServedModels.ts';
import { decodeChoice, encodeChoice, endpointOptions, type RunEndpoint } from './runEndpoint.ts';

/**
 * The endpoint (and model) a run uses, beside the task picker. "As the graph binds" sends nothing; a chosen
 * endpoint becomes the default for nodes that bind none, and "for every node" sends the bound ones there too.
 */
export function RunEndpointSelect({
  value,
  onChange,
}: {
  value: RunEndpoint;
  onChange: (next: RunEndpoint) => void;
}) {
  const selectId = useId();
  const endpoints = useEndpoints();
  const served = useServedModelsOf((endpoints.data ?? []).map((e) => e.id));
  const options = endpointOptions(endpoints.data, served, (e) => endpointName(e, served.get(e.id)), value);
  const selected = value.endpointId === null ? '' : encodeChoice(value.endpointId, value.model);
  const chosen = options.find((o) => o.value === selected)?.label ?? 'as the graph binds';
  return (
    <div className="run-endpoint">
      <label className="muted" htmlFor={selectId}>
        Endpoint
      </label>
      <div className="run-endpoint-box">
        <select
          id={selectId}
          aria-label="Run endpoint"
          title={`Endpoint for this run: ${chosen}`}
          value={selected}
          onChange={(event) => onChange({ ...value, ...decodeChoice(event.target.value) })}
        >
          <option value="">as the graph binds</option>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {value.endpointId !== null ? (
          <label
            className="run-every-node run-note"
            title="Checked: every LLM node uses this endpoint, even those bound to another. Unchecked: only the nodes that bind no endpoint."
          >
            <input
              type="checkbox"
              checked={value.everyNode}
              onChange={(event) => onChange({ ...value, everyNode: event.target.checked })}
            />
            for every node
          </label>
        ) : null}
      </div>
    </div>
  );
}
