import { useDraft } from './useDraft.ts';

/** A text input whose draft may be refused (too long, empty) without leaving the graph invalid. */
export function TextInput({
  label,
  value,
  onCommit,
  max,
  required = false,
  multiline = false,
  issues = [],
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  max?: number;
  required?: boolean;
  multiline?: boolean;
  issues?: string[];
}) {
  const { draft, setDraft, error, setError } = useDraft<string>(
    value,
    (v) => v,
    (t) => t,
  );
  const change = (text: string) => {
    setDraft(text);
    if (required && text.trim() === '') return setError(`${label.toLowerCase()} is required`);
    if (max !== undefined && text.length > max) return setError(`at most ${max} characters`);
    setError(null);
    onCommit(text);
  };
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the input or textarea is inside, chosen by `multiline`
    <label className={`field${multiline ? ' field-wide' : ''}`}>
      <span className="field-label">{label}</span>
      {multiline ? (
        <textarea rows={2} value={draft} onChange={(event) => change(event.target.value)} />
      ) : (
        <input
          value={draft}
          aria-invalid={error || issues.length > 0 ? true : undefined}
          onChange={(event) => change(event.target.value)}
        />
      )}
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
    </label>
  );
}
