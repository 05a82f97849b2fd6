import { Children, cloneElement, isValidElement, type ReactElement, type ReactNode, useId } from 'react';

/**
 * A labelled form control. The label names the control alone; `hint` and `error` describe it
 * (aria-describedby), so assistive tech and tests find "Server", not "Server vLLM SGLang…".
 */
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
  const id = useId();
  const describedBy = `${id}-desc`;
  let labelled = false;
  const controls = Children.map(children, (child) => {
    if (labelled || !isValidElement(child)) return child;
    labelled = true;
    return cloneElement(child as ReactElement<Record<string, unknown>>, {
      id,
      ...(hint || error ? { 'aria-describedby': describedBy } : {}),
      ...(error ? { 'aria-invalid': true } : {}),
    });
  });
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {controls}
      {hint && !error ? (
        <span className="field-hint" id={describedBy}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="field-error" role="alert" id={describedBy}>
          {error}
        </span>
      ) : null}
    </div>
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
