import type { ReactNode } from 'react';
import { useOpen } from './expansion.tsx';

/** A labelled toggle whose open state is kept by the trace, so it survives virtualisation. */
export function Disclosure({
  id,
  label,
  meta,
  children,
}: {
  id: string;
  label: string;
  meta?: string;
  children: () => ReactNode;
}) {
  const [open, toggle] = useOpen(id);
  return (
    <div className="disclosure">
      <button type="button" className="disclosure-toggle" aria-expanded={open} onClick={toggle}>
        <span className="chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {label}
        {meta ? <span className="muted"> · {meta}</span> : null}
      </button>
      {open ? <div className="disclosure-body">{children()}</div> : null}
    </div>
  );
}
