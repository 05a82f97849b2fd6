import { useId, useState } from 'react';

/**
 * A node's id. Renaming touches every edge, the entry and the selection, so it happens once, on Enter or on
 * leaving the field, never per keystroke. A refused id stays in the field with the reason until it is fixed or
 * Escape puts the current id back. Leading and trailing spaces are dropped (a pasted id often carries them).
 */
export function NodeIdInput({
  id,
  problemWith,
  onRename,
}: {
  id: string;
  /** Why an id would be refused, or null. */
  problemWith: (next: string) => string | null;
  /** Renames the node; returns why it was refused, or null. */
  onRename: (next: string) => string | null;
}) {
  const [draft, setDraft] = useState(id);
  const [error, setError] = useState<string | null>(null);
  const input = useId();

  const commit = () => {
    const next = draft.trim();
    if (next === id) {
      setDraft(id);
      setError(null);
      return;
    }
    setError(onRename(next));
  };

  // The message sits outside the label, so the field's name stays "Id" while a reason shows.
  return (
    <div className="field field-id">
      <label className="field-label" htmlFor={input}>
        Id
      </label>
      <input
        id={input}
        value={draft}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${input}-error` : undefined}
        title="Edges and the entry follow a rename. Enter or leaving the field renames; Escape puts the id back."
        onChange={(event) => {
          setDraft(event.target.value);
          // Once a reason is showing, it follows the typing, so it clears as soon as the id is fixed.
          if (error) setError(problemWith(event.target.value.trim()));
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          } else if (event.key === 'Escape') {
            event.preventDefault();
            setDraft(id);
            setError(null);
          }
        }}
        onBlur={commit}
      />
      {error ? (
        <span id={`${input}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
