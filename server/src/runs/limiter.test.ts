import { describe, expect, it } from 'vitest';
import { Semaphore } from './limiter.ts';

describe('per-endpoint request bound', () => {
  it('never lets more than the limit in, and admits waiters in order', async () => {
    const semaphore = new Semaphore(2);
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, async (_, i) => {
        const release = await semaphore.acquire();
        order.push(i);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        release();
      }),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(semaphore.inFlight).toBe(0);
  });

  it('drops a waiter whose request is aborted, without leaking a slot', async () => {
    const semaphore = new Semaphore(1);
    const first = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    expect(semaphore.queued).toBe(1);
    controller.abort(new Error('run cancelled'));
    await expect(waiting).rejects.toThrow('run cancelled');
    expect(semaphore.queued).toBe(0);
    first();
    first();
    const next = await semaphore.acquire();
    expect(semaphore.inFlight).toBe(1);
    next();
  });
});
