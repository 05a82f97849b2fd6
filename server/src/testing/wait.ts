import { vi } from 'vitest';

/** Polls `check` until it stops throwing. Generous, because the machine running the tests may be busy. */
export function eventually<T>(check: () => T, timeoutMs = 10_000): Promise<T> {
  return vi.waitFor(check, { timeout: timeoutMs, interval: 20 });
}
