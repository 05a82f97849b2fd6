import type { EditorField } from '@trellis/shared';
import { lazy, Suspense } from 'react';
import { INVALID, useDraft } from './useDraft.ts';

const PromptEditor = lazy(() => import('./prompt/PromptEditor.tsx'));

export interface FieldProps {
  field: EditorField;
  value: unknown;
  /** Commits a value; returns why it was refused, or null. */
  onCommit: (value: unknown) => string | null;
  /** Validation messages about this field from the graph validator. */
  issues: string[];
  /** For prompts: the variables the node can see. */
  variables?: { name: string; description: string }[];
  /** Stable identity of the edited value (node id + key), for the prompt editor's model. */
  id: string;
}

function Messages({ error, issues }: { error: string | null; issues: string[] }) {
  if (!error && issues.length === 0) return null;
  return (
    <>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
      {issues.map((message) => (
        <span key={message} className="field-error" data-testid="field-issue">
          {message}
        </span>
      ))}
    </>
  );
}

function NumberField({ field, value, onCommit, issues }: FieldProps) {
  const numeric = typeof value === 'number' ? value : undefined;
  const { draft, setDraft, error, setError } = useDraft<number | undefined>(
    numeric,
    (v) => (v === undefined ? '' : String(v)),
    (text) => (text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : INVALID),
  );
  const min = field.type === 'number' ? field.min : undefined;
  const max = field.type === 'number' ? field.max : undefined;
  const step = field.type === 'number' ? field.step : undefined;
  return (
    <label className="field">
      <span className="field-label">{field.label}</span>
      <input
        type="number"
        value={draft}
        min={min}
        max={max}
        step={step ?? 'any'}
        placeholder={value === null ? 'no limit' : 'default'}
        aria-invalid={error || issues.length > 0 ? true : undefined}
        onChange={(event) => {
          const text = event.target.value;
          setDraft(text);
          const parsed = text.trim() === '' ? undefined : Number(text);
          if (parsed !== undefined && !Number.isFinite(parsed)) {
            setError('enter a number');
            return;
          }
          setError(onCommit(parsed));
        }}
      />
      {field.help && !error ? <span className="field-hint">{field.help}</span> : null}
      <Messages error={error} issues={issues} />
    </label>
  );
}

function TextField({ field, value, onCommit, issues }: FieldProps) {
  const text = typeof value === 'string' ? value : '';
  const { draft, setDraft, error, setError } = useDraft<string>(
    text,
    (v) => v,
    (t) => t,
  );
  return (
    <label className="field field-wide">
      <span className="field-label">{field.label}</span>
      <input
        value={draft}
        placeholder={field.help}
        aria-invalid={error || issues.length > 0 ? true : undefined}
        onChange={(event) => {
          setDraft(event.target.value);
          setError(onCommit(event.target.value === '' && value === null ? null : event.target.value));
        }}
      />
      <Messages error={error} issues={issues} />
    </label>
  );
}

/** One editor field, rendered from its description: text, number, select, boolean or prompt. */
export function FieldControl(props: FieldProps) {
  const { field, value, onCommit, issues } = props;
  switch (field.type) {
    case 'number':
      return <NumberField {...props} />;
    case 'text':
      return <TextField {...props} />;
    case 'select':
      return (
        <label className="field">
          <span className="field-label">{field.label}</span>
          <select value={String(value ?? '')} onChange={(event) => onCommit(event.target.value)}>
            {field.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {field.help ? <span className="field-hint">{field.help}</span> : null}
          <Messages error={null} issues={issues} />
        </label>
      );
    case 'boolean':
      return (
        <label className="field field-check">
          <span className="bool-row">
            <input
              type="checkbox"
              className="check-box"
              checked={value === true}
              onChange={(event) => onCommit(event.target.checked)}
            />
            <span className="field-label">{field.label}</span>
          </span>
          {field.help ? <span className="field-hint">{field.help}</span> : null}
          <Messages error={null} issues={issues} />
        </label>
      );
    case 'prompt':
      return (
        <div className="field field-wide">
          <span className="field-label">{field.label}</span>
          <Suspense fallback={<div className="prompt-loading">Loading editor…</div>}>
            <PromptEditor
              id={props.id}
              label={field.label}
              value={typeof value === 'string' ? value : ''}
              variables={props.variables ?? []}
              onChange={(text) => onCommit(text)}
            />
          </Suspense>
          {field.help ? <span className="field-hint">{field.help}</span> : null}
          <Messages error={null} issues={issues} />
        </div>
      );
  }
}
