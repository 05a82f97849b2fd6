import type { ReactNode } from 'react';
import { navigate } from '../router.ts';

/** An in-app link: a real anchor (open in a new tab works), navigating without a reload on a plain click. */
export function Link({
  href,
  children,
  className,
  title,
}: {
  href: string;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <a
      href={href}
      className={className}
      title={title}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        event.stopPropagation();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
