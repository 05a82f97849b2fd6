import type { ChatMessage, SamplingParams } from '@trellis/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { useEndpointHealth, useEndpoints } from '../api/endpoints.ts';
import { type StreamState, usePlaygroundStream } from '../api/playground.ts';
import { ErrorBanner, Field } from '../components/Field.tsx';
import { type TestDouble, TestDoubleNotice, testDoubleOf } from '../components/TestDoubleNotice.tsx';

interface ParamsForm {
  temperature: string;
  top_p: string;
  top_k: string;
  max_tokens: string;
  seed: string;
  thinking: boolean;
}

const DEFAULT_PARAMS: ParamsForm = {
  temperature: '0.6',
  top_p: '0.95',
  top_k: '20',
  max_tokens: '1024',
  seed: '',
  thinking: true,
};

/** The numeric sampling fields, in the order they are shown; empty means "server default". */
const NUMERIC_PARAMS: {
  key: Exclude<keyof ParamsForm, 'thinking'>;
  label: string;
  mode: 'decimal' | 'numeric';
  placeholder?: string;
}[] = [
  { key: 'temperature', label: 'Temperature', mode: 'decimal' },
  { key: 'top_p', label: 'Top-p', mode: 'decimal' },
  { key: 'top_k', label: 'Top-k', mode: 'numeric' },
  { key: 'max_tokens', label: 'Max tokens', mode: 'numeric' },
  { key: 'seed', label: 'Seed', mode: 'numeric', placeholder: 'random' },
];

function toParams(form: ParamsForm): SamplingParams {
  const params: SamplingParams = {};
  for (const { key } of NUMERIC_PARAMS) {
    if (form[key].trim() !== '') params[key] = Number(form[key]);
  }
  params.chat_template_kwargs = { enable_thinking: form.thinking };
  return params;
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

const STATUS_LABEL: Record<StreamState['status'], string> = {
  idle: 'Ready',
  connecting: 'Waiting for the first token…',
  streaming: 'Streaming',
  done: 'Finished',
  stopped: 'Stopped',
  error: 'Failed',
};

function Output({ state, testDouble }: { state: StreamState; testDouble: TestDouble | null }) {
  const [showReasoning, setShowReasoning] = useState(true);
  const fmt = (value: number | null, unit: string, digits = 0) =>
    value === null ? '—' : `${value.toFixed(digits)} ${unit}`;
  return (
    <section className="card output" aria-label="Completion">
      <div className="stats">
        <Stat label="Status" value={STATUS_LABEL[state.status]} testId="stream-status" />
        <Stat label="Time to first token" value={fmt(state.ttftMs, 'ms')} testId="ttft" />
        <Stat label="Speed" value={fmt(state.tokensPerSecond, 'tok/s', 1)} testId="tokens-per-second" />
        <Stat
          label="Usage (prompt / completion)"
          value={state.usage ? `${state.usage.promptTokens} / ${state.usage.completionTokens}` : '—'}
          testId="usage"
        />
        <Stat label="Finish reason" value={state.finishReason ?? '—'} testId="finish-reason" />
      </div>
      <TestDoubleNotice kind={testDouble} />
      {state.error ? (
        <ErrorBanner title={`Generation failed (${state.error.code})`} message={state.error.message} />
      ) : null}
      {state.reasoning ? (
        <div className="reasoning">
          <button
            type="button"
            className="link"
            onClick={() => setShowReasoning((v) => !v)}
            aria-expanded={showReasoning}
          >
            {showReasoning ? '▾' : '▸'} Reasoning
          </button>
          {showReasoning ? (
            <pre className="reasoning-text" data-testid="reasoning">
              {state.reasoning}
            </pre>
          ) : null}
        </div>
      ) : null}
      <div className="answer">
        <h3>Answer</h3>
        <pre className="answer-text" data-testid="answer">
          {state.text || (state.status === 'idle' ? 'Send a message to stream a completion.' : '')}
        </pre>
      </div>
    </section>
  );
}

export function PlaygroundPage() {
  const endpoints = useEndpoints();
  const [endpointId, setEndpointId] = useState('');
  const [model, setModel] = useState('');
  const [system, setSystem] = useState('You are a helpful assistant.');
  const [user, setUser] = useState('');
  const [params, setParams] = useState<ParamsForm>(DEFAULT_PARAMS);
  const { state, start, stop } = usePlaygroundStream();

  const endpoint = endpoints.data?.find((e) => e.id === endpointId);
  const health = useEndpointHealth(endpointId, 15_000);
  const models = health.data?.models ?? [];

  useEffect(() => {
    const first = endpoints.data?.[0];
    if (!endpointId && first) setEndpointId(first.id);
  }, [endpoints.data, endpointId]);

  useEffect(() => {
    if (!endpoint) return;
    setModel((current) => current || endpoint.defaultModel || '');
  }, [endpoint]);

  useEffect(() => {
    if (!model && models[0]) setModel(models[0].id);
  }, [models, model]);

  const running = state.status === 'connecting' || state.status === 'streaming';
  const setParam = <K extends keyof ParamsForm>(key: K, value: ParamsForm[K]) =>
    setParams((current) => ({ ...current, [key]: value }));

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!endpointId || running) return;
    const messages: ChatMessage[] = [];
    if (system.trim()) messages.push({ role: 'system', content: system });
    messages.push({ role: 'user', content: user });
    void start({ endpointId, ...(model ? { model } : {}), messages, params: toParams(params) });
  };

  if (endpoints.data && endpoints.data.length === 0) {
    return (
      <section className="page">
        <h1>Playground</h1>
        <div className="empty">
          <p>Add an endpoint first: the Playground streams completions from a registered inference server.</p>
        </div>
      </section>
    );
  }

  return (
    <section className="page playground">
      <h1>Playground</h1>
      <div className="playground-grid">
        <form className="card form" onSubmit={send} aria-label="Chat request">
          <div className="form-grid">
            <Field label="Endpoint">
              <select
                value={endpointId}
                onChange={(e) => {
                  setEndpointId(e.target.value);
                  setModel('');
                }}
              >
                {endpoints.data?.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Model" hint={health.data?.status === 'down' ? 'Endpoint unreachable' : undefined}>
              <input
                list="served-models"
                value={model}
                onChange={(e) => setModel(e.target.value)}
                spellCheck={false}
              />
              <datalist id="served-models">
                {models.map((m) => (
                  <option key={m.id} value={m.id} />
                ))}
              </datalist>
            </Field>
          </div>
          <Field label="System message">
            <textarea rows={3} value={system} onChange={(e) => setSystem(e.target.value)} />
          </Field>
          <Field label="User message">
            <textarea
              rows={6}
              value={user}
              onChange={(e) => setUser(e.target.value)}
              placeholder="Ask something…"
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) send(e);
              }}
            />
          </Field>
          <fieldset className="params">
            <legend>Sampling</legend>
            {NUMERIC_PARAMS.map((field) => (
              <Field key={field.key} label={field.label}>
                <input
                  inputMode={field.mode}
                  value={params[field.key]}
                  onChange={(e) => setParam(field.key, e.target.value)}
                  placeholder={field.placeholder}
                />
              </Field>
            ))}
            <label className="check">
              <input
                type="checkbox"
                checked={params.thinking}
                onChange={(e) => setParam('thinking', e.target.checked)}
              />
              Thinking (Qwen3 enable_thinking)
            </label>
          </fieldset>
          <div className="actions">
            {running ? (
              // Distinct keys: reusing one element and flipping its type mid-click would submit the form again.
              <button key="stop" type="button" className="danger" onClick={stop}>
                Stop
              </button>
            ) : (
              <button
                key="send"
                type="submit"
                className="primary"
                disabled={!endpointId || user.trim() === ''}
              >
                Send
              </button>
            )}
          </div>
        </form>
        <Output state={state} testDouble={testDoubleOf(models)} />
      </div>
    </section>
  );
}
