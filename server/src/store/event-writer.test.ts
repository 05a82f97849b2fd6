import { preset, type RunEvent } from '@trellis/shared';
import { describe, expect, it, vi } from 'vitest';
import { openStore } from './db.ts';
import { EventWriter } from './event-writer.ts';
import { GraphRepo } from './graphs.ts';
import { RunRepo } from './runs.ts';

function event(seq: number): RunEvent {
  return { runId: 'run_1', at: seq, seq, type: 'step.started', step: seq };
}

/** A RunRepo stand-in whose writes finish only when the test lets them. */
function slowRepo() {
  const started: RunEvent[][] = [];
  const finishers: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const stored: number[] = [];
  const repo = {
    appendEvents(batch: RunEvent[]): Promise<void> {
      started.push(batch);
      return new Promise<void>((resolve, reject) => {
        finishers.push({
          resolve: () => {
            stored.push(...batch.map((e) => e.seq));
            resolve();
          },
          reject,
        });
      });
    },
  };
  return { repo: repo as unknown as RunRepo, started, finishers, stored };
}

describe('EventWriter', () => {
  it('writes a batch only once the one before it is stored', async () => {
    const { repo, started, finishers, stored } = slowRepo();
    const writer = new EventWriter(repo, 1_000);
    writer.write(event(1));
    const first = writer.flush();
    writer.write(event(2));
    const second = writer.flush();
    await Promise.resolve();
    expect(started).toEqual([[event(1)]]);

    finishers[0]!.resolve();
    await first;
    await vi.waitFor(() => expect(started).toHaveLength(2));
    let secondDone = false;
    void second.then(() => {
      secondDone = true;
    });
    const idle = writer.flush();
    await Promise.resolve();
    expect(secondDone).toBe(false);
    finishers[1]!.resolve();
    await Promise.all([second, idle]);
    expect(stored).toEqual([1, 2]);
  });

  it('with no interval, writes at once and gathers what comes during a write into the next batch', async () => {
    const { repo, started, finishers, stored } = slowRepo();
    const writer = new EventWriter(repo, 0);
    writer.write(event(1));
    await vi.waitFor(() => expect(started).toEqual([[event(1)]]));
    // While the first batch is being written, three more events come: they wait, then go together.
    writer.write(event(2));
    writer.write(event(3));
    writer.write(event(4));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toHaveLength(1);
    finishers[0]!.resolve();
    await vi.waitFor(() => expect(started).toEqual([[event(1)], [event(2), event(3), event(4)]]));
    finishers[1]!.resolve();
    await writer.flush();
    expect(stored).toEqual([1, 2, 3, 4]);
  });

  it('cuts a batch at the size limit and on the timer', async () => {
    const batches: RunEvent[][] = [];
    const repo = {
      appendEvents: async (batch: RunEvent[]) => void batches.push(batch),
    } as unknown as RunRepo;
    const writer = new EventWriter(repo, 5, 2);
    writer.write(event(1));
    writer.write(event(2));
    writer.write(event(3));
    await vi.waitFor(() => expect(batches).toEqual([[event(1), event(2)], [event(3)]]));
    await expect(writer.flush()).resolves.toBeUndefined();
  });

  it('reports a batch it could not write, and goes on with the next', async () => {
    const { repo, finishers, stored } = slowRepo();
    const failed = vi.fn();
    const writer = new EventWriter(repo, 1_000, 2_000, failed);
    writer.write(event(1));
    const first = writer.flush();
    writer.write(event(2));
    const second = writer.flush();
    finishers[0]!.reject(new Error('database is down'));
    await expect(first).rejects.toThrow('database is down');
    expect(failed).toHaveBeenCalledWith(new Error('database is down'), [event(1)]);
    await vi.waitFor(() => expect(finishers).toHaveLength(2));
    finishers[1]!.resolve();
    await second;
    expect(stored).toEqual([2]);
    expect(failed).toHaveBeenCalledTimes(1);
    await expect(writer.flush()).resolves.toBeUndefined();
  });

  it('leaves no rejection unhandled when nobody waits for a failed write', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const failed = vi.fn();
      const repo = {
        appendEvents: async () => {
          throw new Error('refused');
        },
      } as unknown as RunRepo;
      const writer = new EventWriter(repo, 1, 1, failed);
      writer.write(event(1));
      writer.write(event(2));
      await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(2));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('on SQLite, has a batch in the store for a read made right after flush', async () => {
    const store = await openStore(':memory:');
    try {
      const version = await new GraphRepo(store).save({ graph: preset('three-roles').graph, message: 'm' });
      const runs = new RunRepo(store);
      await runs.create({
        id: 'run_1',
        graphVersionId: version.id,
        graphId: version.graphId,
        graphName: version.graph.name,
        taskId: 't',
        difficulty: null,
        seed: 1,
        request: {},
      });
      const writer = new EventWriter(runs);
      writer.write(event(1));
      writer.write(event(2));
      void writer.flush();
      expect(await runs.events('run_1')).toEqual([event(1), event(2)]);
    } finally {
      await store.close();
    }
  });
});
