import os from 'node:os';
import { childLaunch } from './launch.ts';
import { admissionProblem, cancelled, type Outcome, rejected } from './observation.ts';
import type {
  ExecuteOptions,
  ExecutionResult,
  SandboxPool,
  SandboxPoolOptions,
  SandboxPoolStats,
  SandboxSession,
} from './types.ts';
import { SandboxWorker } from './worker.ts';

const DEFAULTS = {
  timeoutMs: 10_000,
  memoryLimitMb: 1024,
  outputLimit: 20_000,
  maxCodeBytes: 100_000,
  killGraceMs: 2_000,
  jsHeapMb: 256,
  maxRequestChars: 1_000_000,
  startTimeoutMs: 120_000,
};

function positive(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return chosen;
}

function immediate(outcome: Outcome): ExecutionResult {
  const result: ExecutionResult = {
    observation: outcome.observation,
    ok: outcome.ok,
    durationMs: 0,
    apiCalls: [],
  };
  if (outcome.error) result.error = outcome.error;
  return result;
}

/**
 * A pool of sandbox worker processes that run untrusted agent Python. Each session (one task) is bound to
 * one worker and keeps its variables between steps; steps on one worker run one at a time, steps on
 * different workers run in parallel. Interpreter start-up is paid once per worker process.
 */
export function createSandboxPool(options: SandboxPoolOptions): SandboxPool {
  const size = Math.floor(positive('size', options.size, os.availableParallelism()));
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs);
  const memoryLimitMb = positive('memoryLimitMb', options.memoryLimitMb, DEFAULTS.memoryLimitMb);
  const pythonHeapLimitMb = Math.floor(
    positive('pythonHeapLimitMb', options.pythonHeapLimitMb, Math.max(128, memoryLimitMb - 256)),
  );
  const outputLimit = Math.floor(positive('outputLimit', options.outputLimit, DEFAULTS.outputLimit));
  const maxCodeBytes = positive('maxCodeBytes', options.maxCodeBytes, DEFAULTS.maxCodeBytes);
  const killGraceMs = positive('killGraceMs', options.killGraceMs, DEFAULTS.killGraceMs);
  if (typeof options.onApiCall !== 'function') throw new TypeError('onApiCall must be a function');

  const launch = childLaunch({
    memoryLimitMb,
    pythonHeapLimitMb,
    jsHeapMb: DEFAULTS.jsHeapMb,
    outputLimit,
    maxRequestChars: DEFAULTS.maxRequestChars,
  });
  const workers = Array.from(
    { length: size },
    (_, index) =>
      new SandboxWorker(index, {
        launch,
        killGraceMs,
        startTimeoutMs: DEFAULTS.startTimeoutMs,
        memoryLimitMb,
        pythonHeapLimitMb,
        onApiCall: options.onApiCall,
      }),
  );
  const sessions = new Map<string, SandboxWorker>();
  let closed = false;

  function leastLoaded(): SandboxWorker {
    let best = workers[0]!;
    for (const worker of workers) if (worker.load < best.load) best = worker;
    return best;
  }

  function openSession(sessionId: string): SandboxSession {
    if (closed) throw new Error('the sandbox pool is closed');
    if (sessions.has(sessionId)) throw new Error(`sandbox session '${sessionId}' is already open`);
    const worker = leastLoaded();
    worker.sessions.add(sessionId);
    sessions.set(sessionId, worker);
    let open = true;
    return {
      id: sessionId,
      execute(code: string, executeOptions: ExecuteOptions = {}): Promise<ExecutionResult> {
        if (!open || closed)
          return Promise.resolve(immediate(rejected(`the session '${sessionId}' is closed.`)));
        if (typeof code !== 'string')
          return Promise.resolve(immediate(rejected('the code must be a string.')));
        const problem = admissionProblem(code, maxCodeBytes);
        if (problem) return Promise.resolve(immediate(rejected(problem)));
        if (executeOptions.signal?.aborted) return Promise.resolve(immediate(cancelled()));
        const stepTimeout = positive('timeoutMs', executeOptions.timeoutMs, timeoutMs);
        return new Promise<ExecutionResult>((resolve) => {
          worker.enqueue({
            sessionId,
            code,
            timeoutMs: stepTimeout,
            ...(executeOptions.signal ? { signal: executeOptions.signal } : {}),
            resolve,
          });
        });
      },
      close() {
        if (!open) return;
        open = false;
        sessions.delete(sessionId);
        worker.dropSession(sessionId);
      },
    };
  }

  const pool: SandboxPool = {
    openSession,
    async warm() {
      await Promise.all(workers.map((worker) => worker.start()));
    },
    stats(): SandboxPoolStats {
      const perWorker = workers.map((worker) => worker.stats());
      return {
        size,
        sessions: sessions.size,
        executions: perWorker.reduce((sum, w) => sum + w.executions, 0),
        restarts: perWorker.reduce((sum, w) => sum + w.restarts, 0),
        queued: perWorker.reduce((sum, w) => sum + w.queued, 0),
        workers: perWorker,
      };
    },
    async close() {
      closed = true;
      sessions.clear();
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
  if (options.prestart) void pool.warm();
  return pool;
}
