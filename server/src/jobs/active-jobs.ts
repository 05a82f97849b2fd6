import { DomainError } from '../domain-errors.ts';
/** The part of a long job that every service reads while this process works on it. */
export interface ActiveJob {
  /** Aborted to cancel the job. */
  readonly controller: AbortController;
  readonly startedAt: number;
  /** Steps already done when this process took the job up: a resumed job's rate counts only its own. */
  readonly doneBefore: number;
}

/** A service's own per-job state (a phase, a round), required at launch only when it has fields. */
type StateOption<S> = object extends S ? { state?: S } : { state: S };

export type JobLaunch<S> = StateOption<S> & {
  doneBefore: number;
  /** Carries the job out; the job stays active until this settles. */
  work: (job: ActiveJob & S) => Promise<void>;
  /**
   * A fault in the work itself, told unless the process is stopping (the job is then left to be resumed).
   * Without it, the fault rejects `settled`.
   */
  onFault?: (error: Error) => void | Promise<void>;
  /** Runs once the work has settled, while the job is still active: where the last update is published. */
  onEnd: (job: ActiveJob & S) => void | Promise<void>;
};

interface Entry<U, S> {
  job: ActiveJob & S;
  listeners: Set<(update: U) => void>;
  finished: Promise<void>;
  /** The updates being built, in the order they were published: each is told after the one before it. */
  publishing: Promise<void>;
}

/**
 * The stored, resumable jobs one service is working on in this process (rescues, experiments, searches,
 * optimisations), with the followers of each. What a job does and what its updates say stay with the service.
 */
export class ActiveJobs<U, S extends object = object> {
  private readonly entries = new Map<string, Entry<U, S>>();
  /** The tail of each job's chain of exclusive changes (see `exclusive`). */
  private readonly changes = new Map<string, Promise<unknown>>();

  /** @param shutdown aborted when the process stops: a job's fault is then not reported. */
  constructor(private readonly shutdown: AbortSignal) {}

  /**
   * Runs `change` once every change to job `id` begun before it through here has settled. Reading the store,
   * checking `has` and launching take several awaits; two callers (a resume and a re-run, a cancel and a launch)
   * interleaving there could both launch one job and run its items twice, so such a change runs as one piece.
   * `change` must not ask for the same job's turn again (it would wait for itself).
   */
  async exclusive<T>(id: string, change: () => Promise<T>): Promise<T> {
    const before = this.changes.get(id) ?? Promise.resolve();
    const current = before.then(change);
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.changes.set(id, tail);
    try {
      return await current;
    } finally {
      if (this.changes.get(id) === tail) this.changes.delete(id);
    }
  }

  /**
   * Takes up, each in its turn and one after another, the jobs in `ids` that are not active here: `takeUp` runs
   * for each and launches it. Returns the ids taken up (a concurrent create or resume launched the others).
   */
  async takeUpEach(ids: readonly string[], takeUp: (id: string) => Promise<void>): Promise<string[]> {
    const taken: string[] = [];
    for (const id of ids) {
      const launched = await this.exclusive(id, async () => {
        if (this.has(id)) return false;
        await takeUp(id);
        return true;
      });
      if (launched) taken.push(id);
    }
    return taken;
  }

  /**
   * Cancels a job in its turn (a launch under way finishes first, and is then aborted rather than missed): aborts
   * it when it is active here, else `markCancelled` records the cancel. `status` is its stored status, read in
   * the turn; a job that is not running is a conflict naming `what`.
   */
  async cancelInTurn(
    id: string,
    what: string,
    status: () => Promise<string>,
    markCancelled: () => Promise<void>,
  ): Promise<void> {
    await this.exclusive(id, async () => {
      const current = await status();
      if (current !== 'running') {
        throw new DomainError(
          'conflict',
          'not_running',
          `${what} '${id}' is not running (status: ${current})`,
        );
      }
      const active = this.get(id);
      if (active) active.controller.abort();
      else await markCancelled();
    });
  }

  /** Starts a job's work; the job is active (has, get, follow) before the work's first step. */
  launch(id: string, launch: JobLaunch<S>): void {
    const job = {
      controller: new AbortController(),
      startedAt: performance.now(),
      doneBefore: launch.doneBefore,
      ...launch.state,
    } as ActiveJob & S;
    const entry: Entry<U, S> = {
      job,
      listeners: new Set(),
      finished: Promise.resolve(),
      publishing: Promise.resolve(),
    };
    this.entries.set(id, entry);
    let work = launch.work(job);
    const { onFault } = launch;
    if (onFault) {
      work = work.catch(async (error: unknown) => {
        if (!this.shutdown.aborted) await onFault(error as Error);
      });
    }
    entry.finished = work.finally(async () => {
      try {
        await launch.onEnd(job);
        await entry.publishing;
      } finally {
        this.entries.delete(id);
      }
    });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): (ActiveJob & S) | undefined {
    return this.entries.get(id)?.job;
  }

  /** Follows a job's updates; null when it is not being worked on here. */
  follow(id: string, listener: (update: U) => void): (() => void) | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /**
   * Tells a job's followers an update, built only when someone follows (null: nothing to tell). Updates are
   * told in the order they were published even when building one reads the store; resolves once this one has
   * been told, and rejects with a fault building or telling it (the updates after it are told all the same).
   */
  publish(id: string, makeUpdate: () => U | null | Promise<U | null>): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.listeners.size === 0) return Promise.resolve();
    const told = entry.publishing.then(async () => {
      if (entry.listeners.size === 0) return;
      const update = await makeUpdate();
      if (update === null) return;
      for (const listener of entry.listeners) listener(update);
    });
    entry.publishing = told.catch(() => undefined);
    return told;
  }

  /** Resolves when the job is no longer being worked on here. */
  async settled(id: string): Promise<void> {
    await this.entries.get(id)?.finished;
  }

  /** Resolves when no job is being worked on here. */
  async idle(): Promise<void> {
    while (this.entries.size > 0) {
      await Promise.allSettled([...this.entries.values()].map((entry) => entry.finished));
    }
  }
}
