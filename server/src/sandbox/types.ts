/** What the world answered to one API call; `status >= 400` becomes an exception in the agent's code. */
export interface ApiCallResult {
  status: number;
  body: unknown;
}

/**
 * Serves `apis.<app>.<api>(**kwargs)` for the session that is running. Only JSON values arrive; the body
 * must be JSON-serialisable. A thrown error reaches the agent as a 500 answer, never as a crash.
 */
export type ApiCallHandler = (
  sessionId: string,
  app: string,
  api: string,
  kwargs: Record<string, unknown>,
) => Promise<ApiCallResult> | ApiCallResult;

export type ExecutionErrorKind =
  | 'exception'
  | 'api_error'
  | 'syntax'
  | 'timeout'
  | 'memory'
  | 'output'
  | 'crash'
  | 'rejected'
  | 'cancelled';

export interface ExecutionError {
  kind: ExecutionErrorKind;
  /** One line for logs and traces; the agent reads `observation`. */
  message: string;
}

export interface ApiCallRecord {
  app: string;
  api: string;
  status: number;
  durationMs: number;
}

export interface ExecutionResult {
  /** The text the agent sees, formatted as AppWorld formats it. */
  observation: string;
  /** True when the code ran to completion (its output may still have been truncated). */
  ok: boolean;
  /** Present when something went wrong or was cut: the failure, or `output` when only truncation happened. */
  error?: ExecutionError;
  /** Time from dispatch to the worker until the result, excluding queueing and interpreter start-up. */
  durationMs: number;
  apiCalls: ApiCallRecord[];
}

export interface ExecuteOptions {
  /** Aborting interrupts the running step (or drops it from the queue); the result has kind `cancelled`. */
  signal?: AbortSignal;
  /** Overrides the pool's per-step time limit for this step. */
  timeoutMs?: number;
}

/** One task's interpreter state: its variables persist from step to step until `close()`. */
export interface SandboxSession {
  readonly id: string;
  execute(code: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** Forgets the session's variables; queued steps resolve as cancelled. */
  close(): void;
}

export interface SandboxPoolOptions {
  /** Worker processes; default `os.availableParallelism()`. Sessions are spread across them. */
  size?: number;
  /** Per-step time limit; default 10,000 ms. */
  timeoutMs?: number;
  /** Resident memory allowed to one worker process before it is killed and replaced; default 1024 MB. */
  memoryLimitMb?: number;
  /** Size of the Python heap, past which Python raises MemoryError; default `memoryLimitMb - 256` (at least 128). */
  pythonHeapLimitMb?: number;
  /** Printed characters kept per step; default 20,000. */
  outputLimit?: number;
  /** Largest accepted step, in UTF-8 bytes; default 100,000. */
  maxCodeBytes?: number;
  /** How long an interrupted step may take to stop before its worker is killed; default 2,000 ms. */
  killGraceMs?: number;
  /** Start every worker now instead of on first use. */
  prestart?: boolean;
  onApiCall: ApiCallHandler;
}

export type SandboxWorkerState = 'stopped' | 'starting' | 'idle' | 'busy' | 'closed';

export interface SandboxWorkerStats {
  index: number;
  pid: number | null;
  state: SandboxWorkerState;
  sessions: number;
  queued: number;
  executions: number;
  /** Times this worker's process was replaced after a crash, a kill or a memory breach. */
  restarts: number;
  /** Resident memory of the worker process at its last report. */
  rssMb: number | null;
  /** Time the current process took from spawn until it accepted work. */
  startMs: number | null;
  /** Where the interpreter thread spent its start-up: loading Pyodide, the runtime, the lockdown. */
  startPhasesMs: Record<string, number> | null;
}

export interface SandboxPoolStats {
  size: number;
  sessions: number;
  executions: number;
  restarts: number;
  queued: number;
  workers: SandboxWorkerStats[];
}

export interface SandboxPool {
  /** Binds a new session to the least loaded worker. Throws if the id is already open or the pool is closed. */
  openSession(sessionId: string): SandboxSession;
  /** Starts every worker that is not running and resolves when all accept work. */
  warm(): Promise<void>;
  stats(): SandboxPoolStats;
  /** Kills every worker; pending and queued steps resolve as cancelled. */
  close(): Promise<void>;
}
