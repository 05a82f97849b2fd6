import type { Endpoint, EndpointInput, ServerKind } from '@trellis/shared';
import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../api/client.ts';
import { ErrorBanner, Field } from './Field.tsx';

const KINDS: { value: ServerKind; label: string }[] = [
  { value: 'vllm', label: 'vLLM' },
  { value: 'sglang', label: 'SGLang' },
  { value: 'llamacpp', label: 'llama.cpp server' },
  { value: 'ollama', label: 'Ollama' },
  { value: 'lmstudio', label: 'LM Studio' },
  { value: 'openai', label: 'OpenAI' },
  { value: 'tgi', label: 'TGI' },
  { value: 'other', label: 'Other OpenAI-compatible' },
];

export interface EndpointFormValues {
  name: string;
  baseUrl: string;
  kind: ServerKind;
  apiKey: string;
  clearKey: boolean;
  defaultModel: string;
  verify: boolean;
}

export function initialValues(endpoint?: Endpoint, preset?: Partial<EndpointFormValues>): EndpointFormValues {
  return {
    name: endpoint?.name ?? preset?.name ?? '',
    baseUrl: endpoint?.baseUrl ?? preset?.baseUrl ?? '',
    kind: endpoint?.kind ?? preset?.kind ?? 'vllm',
    apiKey: '',
    clearKey: false,
    defaultModel: endpoint?.defaultModel ?? preset?.defaultModel ?? '',
    verify: true,
  };
}

/** Maps a 400's zod issues onto the fields they name. */
function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiRequestError)) return {};
  const issues = (error.details as { issues?: { path: string[]; message: string }[] } | undefined)?.issues;
  const out: Record<string, string> = {};
  for (const issue of issues ?? []) {
    const key = issue.path[0];
    if (key && !out[key]) out[key] = issue.message;
  }
  return out;
}

export function EndpointForm({
  endpoint,
  preset,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  endpoint?: Endpoint;
  preset?: Partial<EndpointFormValues>;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (values: EndpointFormValues) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(() => initialValues(endpoint, preset));
  const set = <K extends keyof EndpointFormValues>(key: K, value: EndpointFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));
  const errors = fieldErrors(error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(values);
  };
  return (
    <form className="card form" onSubmit={submit} aria-label={submitLabel}>
      <div className="form-grid">
        <Field label="Name" error={errors.name}>
          <input
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
            placeholder="qwen3-8b on gpu-host"
            autoComplete="off"
          />
        </Field>
        <Field label="Server" error={errors.kind}>
          <select value={values.kind} onChange={(e) => set('kind', e.target.value as ServerKind)}>
            {KINDS.map((kind) => (
              <option key={kind.value} value={kind.value}>
                {kind.label}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Base URL"
          hint="The OpenAI-compatible root, e.g. http://gpu-host:8000/v1"
          error={errors.baseUrl}
        >
          <input
            value={values.baseUrl}
            onChange={(e) => set('baseUrl', e.target.value)}
            placeholder="http://127.0.0.1:8000/v1"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field
          label="Default model"
          hint="Served model id; leave empty to choose per request"
          error={errors.defaultModel}
        >
          <input
            value={values.defaultModel}
            onChange={(e) => set('defaultModel', e.target.value)}
            placeholder="Qwen/Qwen3-8B"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field
          label="API key"
          hint={
            endpoint?.hasApiKey
              ? `Stored (${endpoint.apiKeyPreview}); leave empty to keep it`
              : 'Optional; stored on the server, never shown again'
          }
          error={errors.apiKey}
        >
          <input
            type="password"
            value={values.apiKey}
            onChange={(e) => set('apiKey', e.target.value)}
            autoComplete="new-password"
            disabled={values.clearKey}
          />
        </Field>
        <div className="field checks">
          {endpoint?.hasApiKey ? (
            <label className="check">
              <input
                type="checkbox"
                checked={values.clearKey}
                onChange={(e) => set('clearKey', e.target.checked)}
              />
              Remove the stored key
            </label>
          ) : null}
          <label className="check">
            <input
              type="checkbox"
              checked={values.verify}
              onChange={(e) => set('verify', e.target.checked)}
            />
            Check the connection before saving
          </label>
        </div>
      </div>
      {error && Object.keys(errors).length === 0 ? (
        <ErrorBanner title="Not saved" message={error instanceof Error ? error.message : String(error)} />
      ) : null}
      <div className="actions">
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Checking…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

export function toInput(values: EndpointFormValues): EndpointInput {
  return {
    name: values.name,
    baseUrl: values.baseUrl,
    kind: values.kind,
    ...(values.apiKey ? { apiKey: values.apiKey } : {}),
    ...(values.defaultModel.trim() ? { defaultModel: values.defaultModel.trim() } : {}),
    verify: values.verify,
  };
}
