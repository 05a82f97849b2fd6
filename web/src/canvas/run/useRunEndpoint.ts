import { useSyncExternalStore } from 'react';
import { AS_BOUND, type RunEndpoint, readRunEndpoint, writeRunEndpoint } from './runEndpoint.ts';

const storage = () => (typeof window === 'undefined' ? undefined : window.localStorage);

// One choice for the page: the run controls set it; validation and the nodes' binding labels read it.
let current: RunEndpoint | null = null;
const listeners = new Set<() => void>();

function snapshot(): RunEndpoint {
  current ??= readRunEndpoint(storage());
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sets the run's endpoint choice, remembered by this browser so the next run (and the next visit) uses it. */
export function chooseRunEndpoint(next: RunEndpoint): void {
  current = next;
  writeRunEndpoint(storage(), next);
  for (const listener of listeners) listener();
}

/** The run's endpoint choice, shared by everything on the page that depends on it. */
export function useRunEndpoint(): [RunEndpoint, (next: RunEndpoint) => void] {
  return [useSyncExternalStore(subscribe, snapshot, () => AS_BOUND), chooseRunEndpoint];
}
