import { useEffect, useRef, useState } from 'react';

/**
 * A text field's draft over a committed value: the draft follows the value when it changes from outside
 * (undo, another control), but not while what was typed still means the same value ("0." for 0).
 */
export function useDraft<T>(
  value: T,
  format: (value: T) => string,
  parse: (text: string) => T | typeof INVALID,
) {
  const [draft, setDraft] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(draft);
  latest.current = draft;
  // biome-ignore lint/correctness/useExhaustiveDependencies: format and parse are pure; only the value matters
  useEffect(() => {
    const current = parse(latest.current);
    if (current === INVALID || !Object.is(current, value)) {
      setDraft(format(value));
      setError(null);
    }
  }, [value]);
  return { draft, setDraft, error, setError };
}

export const INVALID = Symbol('invalid');
