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
  onFault?: (error: Error) => void;
  /** Runs once the work has settled, while the job is still active: where the last update is published. */
  onEnd: (job: ActiveJob & S) => void;
};

interface Entry<U, S> {
  job: ActiveJob & S;
  listeners: Set<(update: U) => void>;
  finished: Promise<void>;
}

/**
 * The stored, resumable jobs one service is working on in this process (rescues, experiments, searches,
 * optimisations), with the followers of each. What a job does and what its updates say stay with the service.
 */
export class ActiveJobs<U, S extends object = object> {
  private readonly entries = new Map<string, Entry<U, S>>();

  /** @param shutdown aborted when the process stops: a job's fault is then not reported. */
  constructor(private readonly shutdown: AbortSignal) {}

  /** Starts a job's work; the job is active (has, get, follow) before the work's first step. */
  launch(id: string, launch: JobLaunch<S>): void {
    const job = {
      controller: new AbortController(),
      startedAt: performance.now(),
      doneBefore: launch.doneBefore,
      ...launch.state,
    } as ActiveJob & S;
    const entry: Entry<U, S> = { job, listeners: new Set(), finished: Promise.resolve() };
    this.entries.set(id, entry);
    let work = launch.work(job);
    const { onFault } = launch;
    if (onFault) {
      work = work.catch((error: unknown) => {
        if (!this.shutdown.aborted) onFault(error as Error);
      });
    }
    entry.finished = work.finally(() => {
      launch.onEnd(job);
      this.entries.delete(id);
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

  /** Tells a job's followers an update, built only when someone follows (null: nothing to tell). */
  publish(id: string, makeUpdate: () => U | null): void {
    const entry = this.entries.get(id);
    if (!entry || entry.listeners.size === 0) return;
    const update = makeUpdate();
    if (update === null) return;
    for (const listener of entry.listeners) listener(update);
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
