import { useCallback, useState } from 'react';
import { type RunEndpoint, readRunEndpoint, writeRunEndpoint } from './runEndpoint.ts';

const storage = () => (typeof window === 'undefined' ? undefined : window.localStorage);

/** The run's endpoint choice, remembered by this browser so the next run (and the next visit) uses it. */
export function useRunEndpoint(): [RunEndpoint, (next: RunEndpoint) => void] {
  const [choice, setChoice] = useState(() => readRunEndpoint(storage()));
  const choose = useCallback((next: RunEndpoint) => {
    setChoice(next);
    writeRunEndpoint(storage(), next);
  }, []);
  return [choice, choose];
}
