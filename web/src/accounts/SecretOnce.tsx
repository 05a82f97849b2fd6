import { useState } from 'react';

/** A secret the server returns once (a new API token, a generated password), with a copy button. */
export function SecretOnce({
  label,
  secret,
  note,
  onDone,
}: {
  label: string;
  secret: string;
  note: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-once" role="status" aria-label={label}>
      <div className="secret-once-head">
        <strong>{label}</strong>
        <button type="button" className="ghost small" onClick={onDone}>
          Done
        </button>
      </div>
      <p className="small">{note}</p>
      <div className="secret-once-value">
        <code data-testid="secret">{secret}</code>
        <button
          type="button"
          className="small"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
