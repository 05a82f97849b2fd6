import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

interface Expansion {
  isOpen(id: string): boolean;
  toggle(id: string): void;
}

const ExpansionContext = createContext<Expansion | null>(null);

/**
 * Remembers which disclosures are open in a virtualised list, whose rows unmount when scrolled away and would
 * otherwise forget.
 */
export function ExpansionProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((id: string) => {
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const value = useMemo<Expansion>(() => ({ isOpen: (id) => open.has(id), toggle }), [open, toggle]);
  return <ExpansionContext.Provider value={value}>{children}</ExpansionContext.Provider>;
}

/** Open state for one disclosure: kept by the nearest ExpansionProvider under `id`, else locally. */
export function useOpen(id: string): [boolean, () => void] {
  const shared = useContext(ExpansionContext);
  const [local, setLocal] = useState(false);
  const toggleLocal = useCallback(() => setLocal((v) => !v), []);
  const toggleShared = useCallback(() => shared?.toggle(id), [shared, id]);
  return shared ? [shared.isOpen(id), toggleShared] : [local, toggleLocal];
}
