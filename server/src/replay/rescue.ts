import { randomUUID } from 'node:crypto';
import {
  progressEstimate,
  type Rescue,
  type RescuePair,
  type RescueProgress,
  type RescueRequest,
  type RescueSummary,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import { type ActiveJob, ActiveJobs } from '../jobs/active-jobs.ts';
import { Semaphore } from '../runs/limiter.ts';
import type { RescueRepo, StoredPair } from '../store/rescues.ts';
import type { ForkService } from './fork.ts';
import { type SelectionDeps, selectForRescue } from './rescue-selection.ts';

export interface RescueDeps extends SelectionDeps {
  rescues: RescueRepo;
  forks: ForkService;
  /** Aborted when the process stops: pairs then in flight are left to be resumed. */
  shutdown: AbortSignal;
}

/** What a rescue's followers are told: its progress, and the pair that just changed. */
export interface RescueUpdate {
  progress: RescueProgress;
  pair?: RescuePair;
}

const DONE: readonly RescuePair['status'][] = ['rescued', 'failing', 'error', 'cancelled'];
const publicPair = ({ position: _position, ...pair }: StoredPair): RescuePair => pair;

/** Forks of one pair cut short by a worker that dies under them, before the pair is settled as it ended. */
const MAX_ATTEMPTS = 3;

/**
 * Re-runs a set of failed runs under one change, each as a fork (from its first step, or from the step before its
 * first failure), a bounded number at a time. The rescue and its pairs are stored as they go, so it reopens with
 * "N of M rescued" and resumes after a restart: a pair whose run finished is never run again; one whose run a stop
 * cut short is started afresh (its attempts counted).
 */
export class RescueService {
  /** The rescues being worked on by this process. */
  private readonly active: ActiveJobs<RescueUpdate>;

  constructor(private readonly deps: RescueDeps) {
    this.active = new ActiveJobs(deps.shutdown);
  }

  /**
   * Selects, checks and stores a rescue, and starts it. Bad input changes nothing. `author` (null in single-user
   * mode) is recorded on it and on every fork it starts.
   */
  async create(order: z.output<typeof RescueRequest>, author: string | null = null): Promise<Rescue> {
    const pairs = await selectForRescue(this.deps, order);
    const id = `rsc_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    // The rescue's turn is taken before it is stored: a resume that finds it running waits, then sees it active.
    await this.active.exclusive(id, async () => {
      await this.deps.rescues.create({
        id,
        name: order.name ?? `rescue of ${pairs.length} run${pairs.length === 1 ? '' : 's'}`,
        change: order.change,
        from: order.from,
        concurrency: order.concurrency,
        pairs,
        author,
      });
      await this.launch(id);
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Rescue | null> {
    const summary = await this.deps.rescues.summary(id);
    if (!summary) return null;
    const pairs = await this.deps.rescues.pairs(id);
    return { ...summary, pairs: pairs.map(publicPair), progress: this.progressOf(summary, pairs) };
  }

  list(): Promise<RescueSummary[]> {
    return this.deps.rescues.list();
  }

  /** Takes up the rescues a previous process left running (all of them, or those named). */
  async resume(only?: readonly string[]): Promise<string[]> {
    const ids = (await this.deps.rescues.runningIds()).filter(
      (id) => only === undefined || only.includes(id),
    );
    const resumed: string[] = [];
    for (const id of ids) {
      if (await this.active.exclusive(id, () => this.takeUp(id))) resumed.push(id);
    }
    return resumed;
  }

  async cancel(id: string): Promise<Rescue> {
    await this.active.cancelInTurn(
      id,
      'rescue',
      async () => {
        const summary = await this.deps.rescues.summary(id);
        if (!summary) throw new DomainError('not_found', 'not_found', `rescue '${id}' does not exist`);
        return summary.status;
      },
      async () => {
        await this.cancelPairs(id);
        await this.deps.rescues.finish(id, 'cancelled');
      },
    );
    return (await this.get(id))!;
  }

  /** Follows a rescue's progress; null when it is not being worked on here (read it with get). */
  follow(id: string, listener: (update: RescueUpdate) => void): (() => void) | null {
    return this.active.follow(id, listener);
  }

  /** Resolves when the rescue is no longer being worked on here (finished, cancelled or stopped). */
  settled(id: string): Promise<void> {
    return this.active.settled(id);
  }

  private progressOf(summary: RescueSummary, pairs: readonly StoredPair[]): RescueProgress {
    const active = this.active.get(summary.id);
    const done = pairs.filter((p) => DONE.includes(p.status)).length;
    const elapsedMs = active ? performance.now() - active.startedAt : 0;
    return {
      rescueId: summary.id,
      status: summary.status,
      total: pairs.length,
      done,
      running: pairs.filter((p) => p.status === 'running').length,
      rescued: pairs.filter((p) => p.status === 'rescued').length,
      ...progressEstimate({ total: pairs.length, done, doneBefore: active?.doneBefore ?? done, elapsedMs }),
      elapsedMs,
    };
  }

  private publish(id: string, pair?: StoredPair): Promise<void> {
    return this.active.publish(id, async () => {
      const summary = await this.deps.rescues.summary(id);
      if (!summary) return null;
      return {
        progress: this.progressOf(summary, await this.deps.rescues.pairs(id)),
        ...(pair ? { pair: publicPair(pair) } : {}),
      };
    });
  }

  private async settlePair(
    id: string,
    pair: StoredPair,
    runStatus: NonNullable<RescuePair['runStatus']>,
  ): Promise<void> {
    const status =
      runStatus === 'succeeded' ? 'rescued' : runStatus === 'cancelled' ? 'cancelled' : 'failing';
    await this.deps.rescues.updatePair(id, pair.position, { status, runStatus });
  }

  private async cancelPairs(id: string): Promise<void> {
    for (const pair of await this.deps.rescues.pairs(id)) {
      if (!DONE.includes(pair.status)) {
        await this.deps.rescues.updatePair(id, pair.position, { status: 'cancelled' });
      }
    }
  }

  /**
   * Takes up one rescue a previous process left running, unless it is worked on here already or no longer
   * running: pairs whose run finished are settled, the others start afresh. Called in the rescue's turn.
   */
  private async takeUp(id: string): Promise<boolean> {
    if (this.active.has(id)) return false;
    if ((await this.deps.rescues.summary(id))?.status !== 'running') return false;
    for (const pair of await this.deps.rescues.pairs(id)) {
      if (pair.status !== 'running') continue;
      const run = pair.forkRunId ? await this.deps.runs.get(pair.forkRunId) : null;
      const inFlight = run !== null && (run.status === 'queued' || run.status === 'running');
      // On a team a fork in flight goes on without this server: work() follows it.
      if (inFlight && this.deps.manager.runsOutliveThisProcess) continue;
      if (run && run.status !== 'interrupted' && !inFlight) {
        await this.settlePair(id, pair, run.status);
      } else {
        await this.deps.rescues.updatePair(id, pair.position, { status: 'pending' });
      }
    }
    await this.launch(id);
    return true;
  }

  /**
   * Starts working on a rescue. Called in the rescue's turn (`ActiveJobs.exclusive`) once it is known not to be
   * active here, so no two launches of one rescue, and no pair started twice, can interleave.
   */
  private async launch(id: string): Promise<void> {
    const pairs = await this.deps.rescues.pairs(id);
    this.active.launch(id, {
      doneBefore: pairs.filter((p) => DONE.includes(p.status)).length,
      work: (job) => this.work(id, job),
      onEnd: () => this.publish(id),
    });
  }

  private async work(id: string, active: ActiveJob): Promise<void> {
    const summary = (await this.deps.rescues.summary(id))!;
    const slots = new Semaphore(summary.concurrency);
    const stopping = () => active.controller.signal.aborted || this.deps.shutdown.aborted;
    const jobs: Promise<void>[] = [];
    for (const pair of await this.deps.rescues.pairs(id)) {
      if (pair.status === 'running' && pair.forkRunId) {
        // Left running by a previous web server while a worker runs its fork: followed, in a slot of its own.
        const release = await slots.acquire();
        jobs.push(this.followPair(id, summary, pair, pair.forkRunId, active, pair.attempts).finally(release));
        continue;
      }
      if (pair.status !== 'pending') continue;
      const release = await slots.acquire();
      if (stopping()) {
        release();
        break;
      }
      jobs.push(this.runPair(id, summary, pair, active).finally(release));
    }
    await Promise.all(jobs);
    if (this.deps.shutdown.aborted) return;
    if (active.controller.signal.aborted) {
      await this.cancelPairs(id);
      await this.deps.rescues.finish(id, 'cancelled');
    } else if ((await this.deps.rescues.pairs(id)).every((p) => DONE.includes(p.status))) {
      await this.deps.rescues.finish(id, 'finished');
    }
  }

  private async runPair(
    id: string,
    summary: RescueSummary,
    pair: StoredPair,
    active: ActiveJob,
  ): Promise<void> {
    const attempts = pair.attempts + 1;
    let forkRunId: string;
    try {
      const { run } = await this.deps.forks.fork(
        pair.sourceRunId,
        { step: pair.forkStep ?? 1, change: summary.change, environment: { kind: 'builtin' } },
        { rescueId: id, signal: this.deps.shutdown, author: summary.author?.id ?? null },
      );
      forkRunId = run.id;
    } catch (error) {
      if (this.deps.shutdown.aborted) return;
      await this.deps.rescues.updatePair(id, pair.position, {
        status: 'error',
        error: error instanceof Error ? error.message : String(error),
        attempts,
      });
      await this.publish(id, { ...pair, status: 'error', attempts });
      return;
    }
    return this.followPair(id, summary, pair, forkRunId, active, attempts, true);
  }

  /**
   * Waits for a pair's fork to end and settles the pair. A fork a stop cut short is left to be resumed; one whose
   * worker died (a team's) is forked again, up to MAX_ATTEMPTS.
   */
  private async followPair(
    id: string,
    summary: RescueSummary,
    pair: StoredPair,
    forkRunId: string,
    active: ActiveJob,
    attempts: number,
    justForked = false,
  ): Promise<void> {
    // Listened for before the pair is stored: a cancel while it is being stored still reaches the run.
    const onCancel = () => this.deps.manager.cancel(forkRunId);
    active.controller.signal.addEventListener('abort', onCancel, { once: true });
    if (active.controller.signal.aborted) void onCancel();
    try {
      if (justForked) {
        await this.deps.rescues.updatePair(id, pair.position, {
          status: 'running',
          forkRunId,
          attempts,
          runStatus: null,
        });
        await this.publish(id, { ...pair, status: 'running', forkRunId, attempts });
      }
      await this.deps.manager.settled(forkRunId);
    } finally {
      active.controller.signal.removeEventListener('abort', onCancel);
    }
    const run = (await this.deps.runs.get(forkRunId))!;
    const cutShort = run.status === 'interrupted' || run.status === 'queued' || run.status === 'running';
    if (cutShort && this.deps.shutdown.aborted) return;
    if (run.status === 'interrupted' && !active.controller.signal.aborted && attempts < MAX_ATTEMPTS) {
      return this.runPair(id, summary, { ...pair, attempts }, active);
    }
    await this.settlePair(id, pair, run.status);
    await this.publish(id, (await this.deps.rescues.pairs(id))[pair.position]);
  }
}
