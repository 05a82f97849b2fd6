import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/**
 * A button that opens a panel over the page, below it: the panel takes no room in the layout, so opening it never
 * moves what is around it. Escape or a click outside closes it.
 */
export function Popover({
  label,
  button,
  children,
  className = '',
  buttonClassName = 'small',
  align = 'start',
  open: controlled,
  onOpenChange,
  disabled = false,
  title,
}: {
  /** The panel's accessible name. */
  label: string;
  button: ReactNode;
  children: ReactNode;
  className?: string;
  buttonClassName?: string;
  align?: 'start' | 'end';
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  disabled?: boolean;
  title?: string;
}) {
  const [own, setOwn] = useState(false);
  const open = controlled ?? own;
  const setOpen = (next: boolean) => {
    setOwn(next);
    onOpenChange?.(next);
  };
  const setOpenRef = useRef(setOpen);
  setOpenRef.current = setOpen;
  const anchor = useRef<HTMLSpanElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpenRef.current(false);
    };
    const onPointer = (event: PointerEvent) => {
      if (!anchor.current?.contains(event.target as Node)) setOpenRef.current(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <span className="popover-anchor" ref={anchor}>
      <button
        type="button"
        className={buttonClassName}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        disabled={disabled}
        title={title}
        onClick={() => setOpen(!open)}
      >
        {button}
      </button>
      {open ? (
        <div id={id} className={`popover popover-${align} ${className}`} role="dialog" aria-label={label}>
          {children}
        </div>
      ) : null}
    </span>
  );
}
