import type { ReactNode } from 'react';

/** A labelled form control; `hint` explains, `error` names what is wrong. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control arrives as children
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && !error ? <span className="field-hint">{hint}</span> : null}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function ErrorBanner({ title, message }: { title: string; message: string }) {
  return (
    <div className="banner banner-error" role="alert">
      <strong>{title}</strong>
      <span>{message}</span>
    </div>
  );
}
