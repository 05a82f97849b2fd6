import type { EnvironmentChoice } from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import { AppWorldRemoteEnvironment, AppWorldRemoteError } from '../environments/appworld-remote.ts';
import type { ApiRef, Environment } from '../environments/types.ts';

/** A fresh environment of the chosen kind, for each replay or fork. */
export function environmentFactory(choice: EnvironmentChoice, builtin: () => Environment): () => Environment {
  if (choice.kind === 'builtin') return builtin;
  return () => new AppWorldRemoteEnvironment({ baseUrl: choice.baseUrl });
}

/** The typed error for an environment server that cannot be reached. */
export function unreachable(error: AppWorldRemoteError): DomainError {
  return new DomainError('unavailable', 'environment_unreachable', error.message);
}

/**
 * An environment that remembers whether its server could not be reached, so a replay can answer with a typed
 * error instead of a run that merely ended in error.
 */
export class WatchedEnvironment implements Environment {
  unreachable: AppWorldRemoteError | null = null;

  constructor(private readonly inner: Environment) {}

  private async watch<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof AppWorldRemoteError && error.unreachable) this.unreachable ??= error;
      throw error;
    }
  }

  initialize(taskId: string) {
    return this.watch(() => this.inner.initialize(taskId));
  }
  execute(code: string, options?: { signal?: AbortSignal; timeoutMs?: number }) {
    return this.watch(() => this.inner.execute(code, options));
  }
  isCompleted() {
    return this.watch(() => this.inner.isCompleted());
  }
  evaluate() {
    return this.watch(() => this.inner.evaluate());
  }
  appDescriptions() {
    return this.watch(() => this.inner.appDescriptions());
  }
  apiDocs(refs: ApiRef[]) {
    return this.watch(() => this.inner.apiDocs(refs));
  }
  close() {
    return this.inner.close();
  }
}

/** Checks that a remote environment answers by initialising the task once; the built-in world always does. */
export async function ensureReachable(choice: EnvironmentChoice, taskId: string): Promise<void> {
  if (choice.kind === 'builtin') return;
  const env = new AppWorldRemoteEnvironment({ baseUrl: choice.baseUrl, requestTimeoutMs: 10_000 });
  try {
    await env.initialize(taskId);
  } catch (error) {
    if (error instanceof AppWorldRemoteError) {
      throw error.unreachable
        ? unreachable(error)
        : new DomainError('unprocessable', 'environment_refused', error.message);
    }
    throw error;
  } finally {
    await env.close().catch(() => undefined);
  }
}
