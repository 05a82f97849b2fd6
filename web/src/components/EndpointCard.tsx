import type { Endpoint, EndpointHealth } from '@trellis/shared';
import { useEndpointHealth } from '../api/endpoints.ts';
import { TestDoubleNotice, testDoubleOf } from './TestDoubleNotice.tsx';

const STATUS_TEXT: Record<EndpointHealth['status'], string> = {
  ok: 'Healthy',
  loading: 'Loading model',
  unauthorized: 'Key rejected',
  down: 'Unreachable',
};

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
}

function Metrics({ health }: { health: EndpointHealth }) {
  const m = health.metrics;
  if (!m) return <p className="muted small">No server metrics exposed (vLLM and SGLang publish /metrics).</p>;
  return (
    <dl className="metrics" aria-label="Server metrics">
      <div>
        <dt>Running</dt>
        <dd>{m.requestsRunning ?? '—'}</dd>
      </div>
      <div>
        <dt>Waiting</dt>
        <dd>{m.requestsWaiting ?? '—'}</dd>
      </div>
      <div>
        <dt>KV cache</dt>
        <dd>{percent(m.kvCacheUsage)}</dd>
      </div>
      <div>
        <dt>Prefix hits</dt>
        <dd>{percent(m.prefixCacheHitRate)}</dd>
      </div>
    </dl>
  );
}

export function EndpointCard({
  endpoint,
  onEdit,
  onRemove,
}: {
  endpoint: Endpoint;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const health = useEndpointHealth(endpoint.id);
  const status = health.data?.status;
  const testDouble = testDoubleOf(health.data?.models);
  return (
    <article className="card endpoint" aria-label={`Endpoint ${endpoint.name}`}>
      <header className="endpoint-head">
        <div>
          <h2>{endpoint.name}</h2>
          <code className="muted">{endpoint.baseUrl}</code>
        </div>
        <span className={`badge badge-${status ?? 'pending'}`} data-testid="health-status">
          {status ? STATUS_TEXT[status] : 'Checking…'}
        </span>
      </header>
      {health.data?.message ? <p className="endpoint-message">{health.data.message}</p> : null}
      <TestDoubleNotice kind={testDouble} />
      <div className="endpoint-body">
        <div>
          <h3>Served models</h3>
          {health.data && health.data.models.length > 0 ? (
            <ul className="models" aria-label="Served models">
              {health.data.models.map((model) => (
                <li key={model.id}>
                  <code>{model.id}</code>
                  {model.maxModelLen ? (
                    <span className="muted"> · {model.maxModelLen.toLocaleString()} ctx</span>
                  ) : null}
                  {model.id === endpoint.defaultModel ? <span className="tag">default</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">{health.isLoading ? 'Asking the server…' : 'None reported.'}</p>
          )}
        </div>
        <div>
          <h3>Server</h3>
          {health.data ? <Metrics health={health.data} /> : null}
          <p className="muted small">
            {endpoint.kind} · key {endpoint.hasApiKey ? endpoint.apiKeyPreview : 'none'}
            {health.data?.latencyMs != null ? ` · ${Math.round(health.data.latencyMs)} ms` : ''}
          </p>
        </div>
      </div>
      <footer className="actions">
        {endpoint.source === 'config' ? (
          <span className="muted small">Declared at start-up; edit it in the configuration.</span>
        ) : (
          <>
            <button type="button" className="ghost" onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="ghost danger" onClick={onRemove}>
              Remove
            </button>
          </>
        )}
      </footer>
    </article>
  );
}
