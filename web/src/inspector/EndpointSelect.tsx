import { useEndpoints } from '../api/endpoints.ts';

/** Picks a registered endpoint; an id that is no longer registered stays visible, marked. */
export function EndpointSelect({
  value,
  onChange,
  emptyLabel,
  label = 'Endpoint',
  issues = [],
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  emptyLabel: string;
  label?: string;
  issues?: string[];
}) {
  const endpoints = useEndpoints();
  const list = endpoints.data ?? [];
  const missing = value !== null && endpoints.data && !list.some((e) => e.id === value);
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        value={value ?? ''}
        aria-invalid={issues.length > 0 ? true : undefined}
        onChange={(event) => onChange(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">{emptyLabel}</option>
        {list.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name}
          </option>
        ))}
        {missing ? <option value={value}>{value} (not registered)</option> : null}
      </select>
      {endpoints.error ? (
        <span className="field-hint field-hint-warn">Cannot load endpoints: {endpoints.error.message}</span>
      ) : list.length === 0 && endpoints.data ? (
        <span className="field-hint">No endpoints yet: add one on the Endpoints page</span>
      ) : null}
      {issues.map((message) => (
        <span key={message} className="field-error" data-testid="field-issue">
          {message}
        </span>
      ))}
    </label>
  );
}
