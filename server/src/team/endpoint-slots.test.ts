import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../store/db.ts';
import { createTestDatabase } from '../testing/postgres.ts';
import { SharedEndpointLimits } from './endpoint-slots.ts';
import { PgListener } from './listener.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('per-endpoint request bounds shared by several processes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  const listeners: PgListener[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openStore(database.url);
  });
  afterAll(async () => {
    for (const listener of listeners) await listener.close();
    await store.close();
    await database.drop();
  });

  async function process(id: string, perEndpoint: number, leaseMs?: number): Promise<SharedEndpointLimits> {
    const listener = new PgListener(database.url);
    await listener.start();
    listeners.push(listener);
    return new SharedEndpointLimits(store, listener, id, perEndpoint, {
      pollMs: 200,
      ...(leaseMs ? { leaseMs } : {}),
    });
  }

  it('never lets more requests than the bound run at once across processes, and serves every waiter', async () => {
    const a = await process('wk_a', 3);
    const b = await process('wk_b', 3);
    let inFlight = 0;
    let most = 0;
    const request = async (limits: SharedEndpointLimits) => {
      const release = await limits.for('ep_1').acquire();
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(40);
      inFlight -= 1;
      release();
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => request(i % 2 === 0 ? a : b)));
    expect(most).toBe(3);
    // Twelve 40 ms requests three at a time: four waves, woken by notifications rather than the 200 ms poll.
    expect(Date.now() - started).toBeLessThan(2_000);
    // Releases are written after the request returns: every slot is free a moment later.
    await vi.waitFor(async () => {
      const held = await store.all<{ holder: string }>(
        'SELECT holder FROM endpoint_slots WHERE endpoint_id = ? AND holder IS NOT NULL',
        ['ep_1'],
      );
      expect(held).toEqual([]);
    });
  });

  it('keeps endpoints apart: a full endpoint does not hold back another', async () => {
    const a = await process('wk_c', 1);
    const busy = await a.for('ep_busy').acquire();
    const other = await a.for('ep_other').acquire();
    other();
    busy();
  });

  it('gives up a waiter that is aborted, without taking a slot', async () => {
    const a = await process('wk_d', 1);
    const held = await a.for('ep_abort').acquire();
    const controller = new AbortController();
    const waiting = a.for('ep_abort').acquire(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    held();
    const next = await a.for('ep_abort').acquire();
    next();
  });

  it('frees the slots of a process that died: at once when it is declared gone, else when its lease runs out', async () => {
    const alive = await process('wk_alive', 1, 1_000);
    // A process killed while it held the endpoint's one slot: its lease, never renewed again, ends in a second.
    const dieHolding = async (endpointId: string) => {
      await alive
        .for(endpointId)
        .acquire()
        .then((release) => release());
      await vi.waitFor(async () => {
        const taken = await store.run(
          `UPDATE endpoint_slots SET holder = 'wk_dead:lease', expires_at = extract(epoch from clock_timestamp()) * 1000 + 1000
           WHERE endpoint_id = ? AND holder IS NULL`,
          [endpointId],
        );
        expect(taken).toBe(1);
      });
    };
    await dieHolding('ep_dead');
    const started = Date.now();
    const release = await alive.for('ep_dead').acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    release();

    await dieHolding('ep_swept');
    const waiting = alive.for('ep_swept').acquire();
    expect(await SharedEndpointLimits.freeLeasesOf(store, 'wk_dead')).toBe(1);
    const got = await waiting;
    got();
  });
});
