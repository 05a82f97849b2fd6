import type { Endpoint, EndpointPatch, SavedEndpoint } from '@trellis/shared';
import { useState } from 'react';
import {
  useCreateEndpoint,
  useDeleteEndpoint,
  useDiscovery,
  useEndpoints,
  useScanDiscovery,
  useUpdateEndpoint,
} from '../api/endpoints.ts';
import { EndpointCard } from '../components/EndpointCard.tsx';
import { EndpointForm, type EndpointFormValues, toInput } from '../components/EndpointForm.tsx';
import { ErrorBanner } from '../components/Field.tsx';
import { TestDoubleTag, testDoubleOf } from '../components/TestDoubleNotice.tsx';
import { type SaveOutcome, VerificationNotice } from '../components/VerificationNotice.tsx';

type Editing =
  | { mode: 'new'; preset?: Partial<EndpointFormValues> }
  | { mode: 'edit'; endpoint: Endpoint }
  | null;

function toPatch(values: EndpointFormValues): EndpointPatch {
  return {
    name: values.name,
    baseUrl: values.baseUrl,
    kind: values.kind,
    defaultModel: values.defaultModel.trim() || null,
    ...(values.clearKey ? { apiKey: null } : values.apiKey ? { apiKey: values.apiKey } : {}),
    verify: values.verify,
  };
}

function Discovery({ onAdd }: { onAdd: (preset: Partial<EndpointFormValues>) => void }) {
  const discovery = useDiscovery();
  const scan = useScanDiscovery();
  const found = (discovery.data ?? []).filter((server) => !server.registered);
  return (
    <section className="card discovery" aria-label="Servers on this machine">
      <div className="discovery-head">
        <div>
          <h2>Servers on this machine</h2>
          <p className="muted small">
            Trellis looks for vLLM, SGLang, llama.cpp, Ollama and LM Studio on their usual ports.
          </p>
        </div>
        <button type="button" className="ghost" onClick={() => scan.mutate()} disabled={scan.isPending}>
          {scan.isPending ? 'Scanning…' : 'Scan again'}
        </button>
      </div>
      {found.length === 0 ? (
        <p className="muted small">No unregistered local server found.</p>
      ) : (
        <ul className="found">
          {found.map((server) => (
            <li key={server.baseUrl}>
              <span>
                <strong>{server.kind}</strong> <code>{server.baseUrl}</code>
                {server.models[0] ? (
                  <span className="muted"> · {server.models.map((m) => m.id).join(', ')}</span>
                ) : null}{' '}
                <TestDoubleTag kind={testDoubleOf(server.models)} />
              </span>
              <button
                type="button"
                className="primary small"
                onClick={() =>
                  onAdd({
                    name: `${server.kind} :${server.port}`,
                    baseUrl: server.baseUrl,
                    kind: server.kind,
                    defaultModel: server.models[0]?.id ?? '',
                  })
                }
              >
                Add
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function EndpointsPage() {
  const endpoints = useEndpoints();
  const create = useCreateEndpoint();
  const update = useUpdateEndpoint();
  const remove = useDeleteEndpoint();
  const [editing, setEditing] = useState<Editing>(null);
  const [outcome, setOutcome] = useState<SaveOutcome | null>(null);

  const open = (next: Editing) => {
    setOutcome(null);
    setEditing(next);
  };
  const close = () => {
    setEditing(null);
    create.reset();
    update.reset();
  };
  const saved = (values: EndpointFormValues) => (endpoint: SavedEndpoint) => {
    setOutcome({
      endpointId: endpoint.id,
      verifyRequested: values.verify,
      verification: endpoint.verification,
    });
    close();
  };

  const card = (endpoint: Endpoint) => (
    <EndpointCard
      key={endpoint.id}
      endpoint={endpoint}
      onEdit={() => open({ mode: 'edit', endpoint })}
      onRemove={() => {
        if (window.confirm(`Remove endpoint '${endpoint.name}'?`)) remove.mutate(endpoint.id);
      }}
    />
  );

  return (
    <section className="page">
      <div className="page-head">
        <div>
          <h1>Endpoints</h1>
          <p className="muted">
            OpenAI-compatible inference servers the scaffolds call: vLLM, SGLang, llama.cpp, Ollama, OpenAI.
          </p>
        </div>
        <button type="button" className="primary" onClick={() => open({ mode: 'new' })}>
          Add endpoint
        </button>
      </div>

      {editing?.mode === 'new' ? (
        <EndpointForm
          key="new"
          preset={editing.preset}
          submitLabel="Add endpoint"
          pending={create.isPending}
          error={create.error}
          onCancel={close}
          onSubmit={(values) => create.mutate(toInput(values), { onSuccess: saved(values) })}
        />
      ) : null}

      {endpoints.error ? (
        <ErrorBanner title="Cannot load endpoints" message={endpoints.error.message} />
      ) : null}
      {remove.error ? <ErrorBanner title="Not removed" message={remove.error.message} /> : null}

      <div className="endpoint-list">
        {endpoints.data?.length === 0 && editing === null ? (
          <div className="empty">
            <p>No endpoint yet. Add the URL of a running server, or pick one found on this machine below.</p>
          </div>
        ) : null}
        {endpoints.data?.map((endpoint) =>
          editing?.mode === 'edit' && editing.endpoint.id === endpoint.id ? (
            <EndpointForm
              key={endpoint.id}
              endpoint={endpoint}
              submitLabel="Save changes"
              pending={update.isPending}
              error={update.error}
              onCancel={close}
              onSubmit={(values) =>
                update.mutate({ id: endpoint.id, patch: toPatch(values) }, { onSuccess: saved(values) })
              }
            />
          ) : outcome?.endpointId === endpoint.id ? (
            <div key={endpoint.id} className="endpoint-slot">
              {card(endpoint)}
              <VerificationNotice name={endpoint.name} outcome={outcome} onDismiss={() => setOutcome(null)} />
            </div>
          ) : (
            card(endpoint)
          ),
        )}
      </div>

      <Discovery onAdd={(preset) => open({ mode: 'new', preset })} />
    </section>
  );
}
