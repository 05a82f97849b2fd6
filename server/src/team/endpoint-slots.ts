import { randomUUID } from 'node:crypto';
import { Semaphore } from '../runs/limiter.ts';
import type { Sql } from '../store/sql.ts';
import type { PgListener } from './listener.ts';

const RELEASED = 'trellis_slots';
/** The database's clock in milliseconds: leases are compared on one clock, whichever machine holds them. */
const NOW_MS = 'extract(epoch from clock_timestamp()) * 1000';

export interface SlotOptions {
  /** A lease not renewed for this long is free again (its holder died). */
  leaseMs?: number;
  /** How often a waiter looks again when no release was notified. */
  pollMs?: number;
}

/**
 * Per-endpoint request bounds across every process of a team deployment: an endpoint has `perEndpoint` slot rows
 * in PostgreSQL and each model request leases one for as long as it runs (renewed while it runs; expired when
 * its holder dies). Each process first queues on a local semaphore of the same size, so its own waiters do not
 * poll the database.
 */
export class SharedEndpointLimits {
  private readonly local = new Map<string, Semaphore>();
  private readonly seeded = new Map<string, Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly sql: Sql,
    listener: PgListener,
    /** This process's worker id, the prefix of every lease it holds. */
    private readonly holder: string,
    private readonly perEndpoint: number,
    options: SlotOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 500;
    listener.on(RELEASED, () => this.wakeAll());
  }

  for(endpointId: string): { acquire(signal?: AbortSignal): Promise<() => void> } {
    return { acquire: (signal) => this.acquire(endpointId, signal) };
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private seed(endpointId: string): Promise<void> {
    let seeded = this.seeded.get(endpointId);
    if (!seeded) {
      seeded = this.sql
        .run(
          `INSERT INTO endpoint_slots (endpoint_id, slot)
           SELECT ?, g FROM generate_series(0, CAST(? AS INTEGER) - 1) AS g ON CONFLICT DO NOTHING`,
          [endpointId, this.perEndpoint],
        )
        .then(() => undefined);
      seeded.catch(() => this.seeded.delete(endpointId));
      this.seeded.set(endpointId, seeded);
    }
    return seeded;
  }

  private async acquire(endpointId: string, signal?: AbortSignal): Promise<() => void> {
    let semaphore = this.local.get(endpointId);
    if (!semaphore) {
      semaphore = new Semaphore(this.perEndpoint);
      this.local.set(endpointId, semaphore);
    }
    const releaseLocal = await semaphore.acquire(signal);
    try {
      await this.seed(endpointId);
      const lease = `${this.holder}:${randomUUID()}`;
      const slot = await this.lease(endpointId, lease, signal);
      return this.releaser(endpointId, slot, lease, releaseLocal);
    } catch (error) {
      releaseLocal();
      throw error;
    }
  }

  private async lease(endpointId: string, lease: string, signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const row = await this.sql.get<{ slot: number }>(
        `UPDATE endpoint_slots SET holder = ?, expires_at = ${NOW_MS} + ?
         WHERE (endpoint_id, slot) = (
           SELECT endpoint_id, slot FROM endpoint_slots
           WHERE endpoint_id = ? AND slot < ? AND (holder IS NULL OR expires_at < ${NOW_MS})
           ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING slot`,
        [lease, this.leaseMs, endpointId, this.perEndpoint],
      );
      if (row) return row.slot;
      await this.waitForRelease(signal);
    }
  }

  private waitForRelease(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private releaser(endpointId: string, slot: number, lease: string, releaseLocal: () => void): () => void {
    // A long streamed reply keeps its lease: renewed well before it would expire.
    const renew = setInterval(() => {
      void this.sql
        .run(
          `UPDATE endpoint_slots SET expires_at = ${NOW_MS} + ? WHERE endpoint_id = ? AND slot = ? AND holder = ?`,
          [this.leaseMs, endpointId, slot, lease],
        )
        .catch(() => undefined);
    }, this.leaseMs / 3);
    renew.unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      releaseLocal();
      // Not awaited: the caller's request is over. A release that fails (database away) leaves the lease to expire.
      void this.sql
        .transaction(async (tx) => {
          await tx.run(
            'UPDATE endpoint_slots SET holder = NULL, expires_at = NULL WHERE endpoint_id = ? AND slot = ? AND holder = ?',
            [endpointId, slot, lease],
          );
          await tx.get('SELECT pg_notify(?, ?)', [RELEASED, endpointId]);
        })
        .catch(() => undefined);
    };
  }

  /** Frees every lease a worker held (it is gone); returns how many. */
  static async freeLeasesOf(sql: Sql, workerId: string): Promise<number> {
    const freed = await sql.run(
      "UPDATE endpoint_slots SET holder = NULL, expires_at = NULL WHERE holder LIKE ? || ':%'",
      [workerId],
    );
    if (freed > 0) await sql.get('SELECT pg_notify(?, ?)', [RELEASED, '*']);
    return freed;
  }
}
