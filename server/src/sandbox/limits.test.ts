import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeWorld } from './fake-world.ts';
import { createSandboxPool } from './pool.ts';
import type { SandboxPool } from './types.ts';

// Worker start-ups and replacements take seconds on a quiet machine and much longer on a busy one.
const SLOW_MS = 180_000;

// Time bounds here are deliberately loose: the point is "stops near the limit, not never", and the
// machines that run this are shared.
const TIMEOUT_MS = 1500;
const GRACE_MS = 3000;
const SLACK_MS = 4000;

const world = createFakeWorld();
let pool: SandboxPool;
let counter = 0;
const open = () => pool.openSession(`limits-${++counter}`);

beforeAll(async () => {
  pool = createSandboxPool({
    size: 1,
    timeoutMs: TIMEOUT_MS,
    killGraceMs: GRACE_MS,
    memoryLimitMb: 900,
    pythonHeapLimitMb: 300,
    outputLimit: 1000,
    onApiCall: (sessionId, app, api, kwargs) =>
      app === 'stuck' ? new Promise<never>(() => {}) : world.onApiCall(sessionId, app, api, kwargs),
  });
  await pool.warm();
}, SLOW_MS);

afterAll(async () => {
  await pool.close();
});

describe('time limit', () => {
  it('interrupts an endless loop near the limit and keeps the task going with its variables', async () => {
    const s = open();
    await s.execute('kept = "still here"');
    const result = await s.execute('n = 0\nwhile True:\n    n += 1');
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('timeout');
    expect(result.observation).toMatch(
      /^Execution failed\. Traceback:\n {2}File "<python-input>", line \d, in <module>/,
    );
    expect(result.observation).toMatch(
      /TimeoutError: the step ran longer than the 1\.5 s limit and was stopped; variables from earlier steps are kept\.$/,
    );
    expect(result.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const after = await s.execute('print(kept, n > 0)');
    expect(after.observation).toBe('still here True\n');
    expect(pool.stats().restarts).toBe(0);
  });

  it('interrupts time.sleep', async () => {
    const result = await open().execute('import time\ntime.sleep(60)');
    expect(result.error?.kind).toBe('timeout');
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('interrupts a step waiting on a world call that never answers', async () => {
    const s = open();
    await s.execute('z = 3');
    const result = await s.execute('apis.stuck.forever()');
    expect(result.error?.kind).toBe('timeout');
    expect(result.observation).toMatch(/variables from earlier steps are kept\.$/);
    expect(result.apiCalls).toEqual([]);
    expect((await s.execute('print(z)')).observation).toBe('3\n');
  });

  it('honours a per-step time limit', async () => {
    const result = await open().execute('while True: pass', { timeoutMs: 400 });
    expect(result.error?.kind).toBe('timeout');
    expect(result.observation).toContain('0.4 s limit');
  });

  it('kills and replaces a worker whose code swallows the interrupt, and says the variables are gone', {
    timeout: SLOW_MS,
  }, async () => {
    const s = open();
    await s.execute('kept = 1');
    const restartsBefore = pool.stats().restarts;
    const result = await s.execute(
      'while True:\n    try:\n        while True: pass\n    except BaseException:\n        pass',
    );
    expect(result.error?.kind).toBe('timeout');
    expect(result.observation).toBe(
      'Execution failed: the step ran longer than the 1.5 s limit and did not stop when interrupted; the sandbox was restarted and variables from earlier steps are lost.',
    );
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS + GRACE_MS + SLACK_MS);
    expect(pool.stats().restarts).toBe(restartsBefore + 1);
    expect((await s.execute('print(kept)')).observation).toMatch(/NameError: name 'kept' is not defined/);
  });

  it('does not let a step ignore SIGINT for the steps after it', async () => {
    const s = open();
    const ignoring = await s.execute('import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nx = 1');
    expect(ignoring.ok).toBe(true);
    const looping = await s.execute('while True: pass');
    expect(looping.observation).toMatch(/variables from earlier steps are kept/);
    expect((await s.execute('print(x)')).observation).toBe('1\n');
  });

  it('stops a step whose interrupt arrives before the interpreter has started it', async () => {
    const s = open();
    await s.execute('import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nw = 5');
    const restartsBefore = pool.stats().restarts;
    for (let i = 0; i < 20; i++) {
      const looping = await s.execute('while True: pass', { timeoutMs: 1 });
      expect(looping.error?.kind).toBe('timeout');
      expect(looping.observation).toMatch(/variables from earlier steps are kept/);
    }
    expect(pool.stats().restarts).toBe(restartsBefore);
    expect((await s.execute('print(w)')).observation).toBe('5\n');
  });
});

describe('cancellation', () => {
  it('interrupts a running step when its signal aborts, keeping the variables', async () => {
    const s = open();
    await s.execute('y = 7');
    const controller = new AbortController();
    const running = s.execute('while True: pass', { signal: controller.signal, timeoutMs: 30_000 });
    setTimeout(() => controller.abort(), 300);
    const result = await running;
    expect(result.error?.kind).toBe('cancelled');
    expect(result.observation).toBe('Execution cancelled.');
    expect(result.durationMs).toBeLessThan(300 + SLACK_MS);
    expect((await s.execute('print(y)')).observation).toBe('7\n');
  });

  it('drops a queued step whose signal aborts before it starts', async () => {
    const s = open();
    const controller = new AbortController();
    const first = s.execute('import time\ntime.sleep(0.8)\nprint("first")');
    const second = s.execute('print("second")', { signal: controller.signal });
    controller.abort();
    expect(await second).toMatchObject({ ok: false, error: { kind: 'cancelled' }, durationMs: 0 });
    expect((await first).observation).toBe('first\n');
  });

  it('answers an already aborted signal at once', async () => {
    const result = await open().execute('print(1)', { signal: AbortSignal.abort() });
    expect(result.error?.kind).toBe('cancelled');
  });
});

describe('memory', () => {
  it('raises MemoryError past the Python heap limit and keeps the task and its variables', async () => {
    const s = open();
    await s.execute('small = [1, 2, 3]');
    const result = await s.execute('big = bytearray(400 * 1024 * 1024)');
    expect(result.error?.kind).toBe('memory');
    expect(result.observation).toMatch(
      /MemoryError: the step needed more than the 300 MB the sandbox allows Python; variables from earlier steps are kept\.$/,
    );
    expect((await s.execute('print(small)')).observation).toBe('[\n  1,\n  2,\n  3\n]\n');
  });

  it('kills and replaces a worker whose process outgrows the memory limit', {
    timeout: SLOW_MS,
  }, async () => {
    const hungry = createSandboxPool({
      size: 1,
      memoryLimitMb: 400,
      pythonHeapLimitMb: 1024,
      onApiCall: createFakeWorld().onApiCall,
    });
    try {
      const s = hungry.openSession('hungry');
      const neighbour = hungry.openSession('neighbour');
      await neighbour.execute('mine = 1');
      const result = await s.execute('block = bytearray(600 * 1024 * 1024)\nimport time\ntime.sleep(5)');
      expect(result.error?.kind).toBe('memory');
      expect(result.observation).toMatch(
        /^Execution failed: memory limit exceeded \(\d+ MB used, the limit is 400 MB\); the sandbox was restarted and variables from earlier steps are lost\.$/,
      );
      expect(hungry.stats().restarts).toBe(1);
      expect((await s.execute('print("alive")')).observation).toBe('alive\n');
      const told = await neighbour.execute('print(mine)');
      expect(told.observation).toMatch(
        /^\[Note: the sandbox was restarted and variables from earlier steps are lost since the previous step\.\]\n/,
      );
      expect(told.observation).toMatch(/NameError: name 'mine' is not defined/);
    } finally {
      await hungry.close();
    }
  });
});

describe('output', () => {
  it('keeps the first outputLimit characters and says how many were dropped', async () => {
    const result = await open().execute('print("x" * 5000)\nprint("tail")');
    expect(result.ok).toBe(true);
    expect(result.error?.kind).toBe('output');
    expect(result.observation).toBe(`${'x'.repeat(1000)}\n[output truncated: 4006 characters omitted]`);
  });

  it('counts a flood of output without keeping it', async () => {
    const result = await open().execute('chunk = "y" * 1000000\nfor _ in range(200):\n    print(chunk)');
    expect(result.observation.length).toBeLessThan(1100);
    expect(result.observation).toMatch(/\[output truncated: 199999200 characters omitted\]$/);
    expect(pool.stats().workers[0]?.rssMb ?? 0).toBeLessThan(900);
  });
});

describe('crashes', () => {
  it('replaces a worker that crashes and tells the other sessions on it that their variables are gone', {
    timeout: SLOW_MS,
  }, async () => {
    const victim = open();
    const bystander = open();
    await bystander.execute('value = 1');
    const restartsBefore = pool.stats().restarts;
    const result = await victim.execute('import faulthandler\nfaulthandler._sigsegv()');
    expect(result.error?.kind).toBe('crash');
    expect(result.observation).toMatch(
      /^Execution failed: the sandbox stopped unexpectedly \(.+\); the sandbox was restarted and variables from earlier steps are lost\.$/,
    );
    expect(pool.stats().restarts).toBe(restartsBefore + 1);
    const next = await bystander.execute('print(value)');
    expect(next.observation.startsWith('[Note: the sandbox was restarted')).toBe(true);
    expect((await victim.execute('print("back")')).observation).toBe('back\n');
  });
});

describe('concurrency', () => {
  it('runs many sessions at once across workers, each seeing only its own results', {
    timeout: SLOW_MS,
  }, async () => {
    const world = createFakeWorld();
    const wide = createSandboxPool({ size: 2, onApiCall: world.onApiCall });
    try {
      const sessions = Array.from({ length: 6 }, (_, i) => wide.openSession(`wide-${i}`));
      expect(wide.stats().workers.map((w) => w.sessions)).toEqual([3, 3]);
      const transcripts = await Promise.all(
        sessions.map(async (s) => {
          const out: string[] = [];
          for (let step = 0; step < 5; step++) {
            const result = await s.execute(`r = apis.echo.say(step=${step})\nprint(r["session"], r["step"])`);
            out.push(result.observation.trim());
          }
          return out;
        }),
      );
      transcripts.forEach((out, i) => {
        expect(out).toEqual([0, 1, 2, 3, 4].map((step) => `wide-${i} ${step}`));
      });
      const stats = wide.stats();
      expect(stats.executions).toBe(30);
      expect(stats.workers.every((w) => w.executions === 15 && w.pid !== null)).toBe(true);
      expect(world.calls).toHaveLength(30);
    } finally {
      await wide.close();
    }
  });

  it('serialises the steps of one worker in the order they were sent', async () => {
    const s = open();
    const t = open();
    const results = await Promise.all([
      s.execute('import time\ntime.sleep(0.3)\norder = ["s"]'),
      t.execute('print("t ran")'),
      s.execute('order.append("s2")\nprint(order)'),
    ]);
    expect(results[1]?.observation).toBe('t ran\n');
    expect(results[2]?.observation).toBe('[\n  "s",\n  "s2"\n]\n');
  });
});

describe('pool', () => {
  it('reports every worker and session in stats', () => {
    const stats = pool.stats();
    expect(stats.size).toBe(1);
    expect(stats.workers[0]).toMatchObject({ index: 0, state: 'idle', queued: 0 });
    expect(stats.sessions).toBe(counter);
    expect(stats.workers[0]?.startMs).toBeGreaterThan(0);
    expect(stats.workers[0]?.startPhasesMs).toEqual({
      load: expect.any(Number),
      runtime: expect.any(Number),
      lockdown: expect.any(Number),
    });
  });

  it('answers every pending step when it closes', { timeout: SLOW_MS }, async () => {
    const closing = createSandboxPool({ size: 1, onApiCall: createFakeWorld().onApiCall });
    const s = closing.openSession('c');
    const pending = s.execute('while True: pass');
    const queued = s.execute('print(1)');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await closing.close();
    expect((await pending).error?.kind).toBe('cancelled');
    expect((await queued).error?.kind).toBe('cancelled');
    expect(() => closing.openSession('d')).toThrow(/closed/);
  });
});
