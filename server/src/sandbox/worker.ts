import { type ChildProcess, fork } from 'node:child_process';
import { describeZodError } from '@trellis/shared';
import type { ChildLaunch } from './launch.ts';
import {
  cancelled,
  crashed,
  fromReport,
  type InterruptReason,
  memoryExceeded,
  type Outcome,
  RESTART_NOTE,
  timeoutKilled,
} from './observation.ts';
import {
  ApiRequest,
  type ApiRequest as ApiRequestType,
  ChildMessage,
  type HostMessage,
  StepReport,
} from './protocol.ts';
import type {
  ApiCallHandler,
  ApiCallRecord,
  ApiCallResult,
  ExecutionResult,
  SandboxWorkerState,
  SandboxWorkerStats,
} from './types.ts';

export interface WorkerConfig {
  launch: ChildLaunch;
  killGraceMs: number;
  startTimeoutMs: number;
  memoryLimitMb: number;
  pythonHeapLimitMb: number;
  onApiCall: ApiCallHandler;
}

export interface StepJob {
  sessionId: string;
  code: string;
  timeoutMs: number;
  signal?: AbortSignal;
  resolve(result: ExecutionResult): void;
}

interface Running {
  job: StepJob;
  dispatched: boolean;
  id: number;
  startedAt: number;
  apiCalls: ApiCallRecord[];
  interrupted: InterruptReason;
  note: string;
  timer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
}

type KillReason =
  | { kind: 'memory'; rssMb: number }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'crash'; message: string }
  | { kind: 'closed' };

const STDERR_TAIL = 2000;

/**
 * The server's side of one worker process: spawns it, feeds it one step at a time, answers its API calls,
 * enforces the step's time limit, and replaces the process when it dies. Nothing a worker does can throw
 * into the caller: every failure becomes an observation.
 */
export class SandboxWorker {
  /** Sessions bound to this worker. */
  readonly sessions = new Set<string>();
  private child: ChildProcess | null = null;
  private starting: Promise<boolean> | null = null;
  private settleStart: ((ok: boolean) => void) | null = null;
  private ready = false;
  private startError = '';
  private queue: StepJob[] = [];
  private running: Running | null = null;
  private killReason: KillReason | null = null;
  private stepSeq = 0;
  private stderrTail = '';
  private closed = false;
  private exited: Promise<void> = Promise.resolve();
  /** Sessions that have variables in the current process. */
  private withState = new Set<string>();
  /** Sessions whose variables a restart wiped and which have not been told yet. */
  private lost = new Set<string>();
  private executions = 0;
  private restarts = 0;
  private rssMb: number | null = null;
  private startMs: number | null = null;
  private startPhasesMs: Record<string, number> | null = null;
  private aborts = new Map<StepJob, () => void>();

  constructor(
    readonly index: number,
    private readonly config: WorkerConfig,
  ) {}

  get state(): SandboxWorkerState {
    if (this.closed) return 'closed';
    if (this.starting) return 'starting';
    if (!this.child) return 'stopped';
    return this.running ? 'busy' : 'idle';
  }

  get load(): number {
    return this.sessions.size;
  }

  /** Starts the process if it is not running; resolves true once it accepts work. */
  start(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.starting) return this.starting;
    if (this.child && this.ready) return Promise.resolve(true);
    const { launch } = this.config;
    const spawnedAt = performance.now();
    this.ready = false;
    this.stderrTail = '';
    this.starting = new Promise<boolean>((resolve) => {
      this.settleStart = resolve;
    });
    let child: ChildProcess;
    try {
      child = fork(launch.script, launch.args, {
        execArgv: launch.execArgv,
        env: launch.env,
        cwd: launch.cwd,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'json',
      });
    } catch (error) {
      this.startError = `spawn failed: ${(error as Error).message}`;
      this.finishStart(false);
      return this.starting ?? Promise.resolve(false);
    }
    this.child = child;
    let onExit: () => void = () => {};
    this.exited = new Promise<void>((resolve) => {
      onExit = resolve;
    });
    const startTimer = setTimeout(
      () => this.kill({ kind: 'crash', message: 'start-up took too long' }),
      this.config.startTimeoutMs,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    child.on('message', (raw: unknown) => {
      if (child !== this.child) return;
      const parsed = ChildMessage.safeParse(raw);
      if (!parsed.success) {
        this.kill({ kind: 'crash', message: `the worker broke protocol: ${describeZodError(parsed.error)}` });
        return;
      }
      const message = parsed.data;
      if (message.t === 'ready') {
        clearTimeout(startTimer);
        this.ready = true;
        this.startMs = Math.round(performance.now() - spawnedAt);
        this.startPhasesMs = message.phasesMs ?? null;
        this.rssMb = message.rssMb;
        this.finishStart(true);
      } else {
        this.onMessage(message);
      }
    });
    const gone = (description: string) => {
      clearTimeout(startTimer);
      onExit();
      this.onGone(child, description);
    };
    child.on('exit', (code, signal) => gone(signal ? `signal ${signal}` : `exit code ${code}`));
    child.on('error', (error) => {
      if (child.exitCode === null && child.signalCode === null && !child.killed) child.kill('SIGKILL');
      gone(`process error: ${error.message}`);
    });
    return this.starting;
  }

  enqueue(job: StepJob): void {
    if (job.signal) {
      const onAbort = () => this.abort(job);
      job.signal.addEventListener('abort', onAbort, { once: true });
      this.aborts.set(job, onAbort);
    }
    this.queue.push(job);
    this.pump();
  }

  /** Forgets a session: its queued steps are cancelled, a running one interrupted, its variables dropped. */
  dropSession(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.lost.delete(sessionId);
    for (const job of this.queue.filter((j) => j.sessionId === sessionId)) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.resolveJob(job, cancelled(), 0, []);
    }
    if (this.running?.job.sessionId === sessionId) this.abort(this.running.job);
    if (this.withState.delete(sessionId)) this.send({ t: 'drop', session: sessionId });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.resolveJob(job, cancelled(), 0, []);
    if (this.running && !this.running.dispatched) this.finish(cancelled());
    this.kill({ kind: 'closed' });
    await this.exited;
  }

  stats(): SandboxWorkerStats {
    return {
      index: this.index,
      pid: this.child?.pid ?? null,
      state: this.state,
      sessions: this.sessions.size,
      queued: this.queue.length,
      executions: this.executions,
      restarts: this.restarts,
      rssMb: this.rssMb,
      startMs: this.startMs,
      startPhasesMs: this.startPhasesMs,
    };
  }

  private finishStart(ok: boolean): void {
    const settle = this.settleStart;
    this.settleStart = null;
    this.starting = null;
    settle?.(ok);
  }

  private onMessage(message: Exclude<ChildMessage, { t: 'ready' }>): void {
    switch (message.t) {
      case 'api':
        void this.onApiRequest(message.id, message.request);
        break;
      case 'done':
        this.rssMb = message.rssMb;
        this.onDone(message.id, message.result);
        break;
      case 'memory':
        this.rssMb = message.rssMb;
        this.kill({ kind: 'memory', rssMb: message.rssMb });
        break;
      case 'fatal':
        this.kill({ kind: 'crash', message: message.message });
        break;
    }
  }

  private kill(reason: KillReason): void {
    const child = this.child;
    if (!child) return;
    this.killReason ??= reason;
    child.kill('SIGKILL');
  }

  private onGone(child: ChildProcess, description: string): void {
    if (child !== this.child) return;
    const wasReady = this.ready;
    this.child = null;
    this.ready = false;
    const reason = this.killReason ?? { kind: 'crash', message: this.describeExit(description) };
    this.killReason = null;
    const running = this.running;
    for (const session of this.withState) {
      if (session !== running?.job.sessionId) this.lost.add(session);
    }
    this.withState.clear();
    if (this.settleStart) {
      // The first lines say what failed; the rest is a JavaScript stack nobody reading the step needs.
      this.startError = (reason.kind === 'crash' ? reason.message : reason.kind)
        .split('\n')
        .slice(0, 8)
        .join('\n');
      this.finishStart(false);
    }
    if (reason.kind !== 'closed' && wasReady) this.restarts += 1;
    if (running?.dispatched) this.finish(this.outcomeOfKill(reason, running));
    // Replace a worker that had been serving at once, so that the sessions bound to it wait less; one that
    // never came up is retried only when a step needs it, so a broken install cannot spin.
    if (!this.closed && wasReady && (this.sessions.size > 0 || this.queue.length > 0)) void this.start();
    this.pump();
  }

  private describeExit(description: string): string {
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    return tail ? `${description}: ${tail}` : description;
  }

  private outcomeOfKill(reason: KillReason, running: Running): Outcome {
    switch (reason.kind) {
      case 'memory':
        return memoryExceeded(reason.rssMb, this.config.memoryLimitMb);
      case 'timeout':
        return timeoutKilled(running.job.timeoutMs);
      case 'cancelled':
      case 'closed':
        return cancelled();
      case 'crash':
        return crashed(reason.message);
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    const running: Running = {
      job,
      dispatched: false,
      id: 0,
      startedAt: 0,
      apiCalls: [],
      interrupted: null,
      note: '',
    };
    this.running = running;
    void this.start().then((ok) => {
      if (this.running !== running) return;
      if (!ok) {
        this.finish(crashed(`the sandbox could not start: ${this.startError}`));
        return;
      }
      this.dispatch(running);
    });
  }

  private dispatch(running: Running): void {
    const { job } = running;
    running.dispatched = true;
    running.id = ++this.stepSeq;
    running.startedAt = performance.now();
    if (this.lost.delete(job.sessionId)) running.note = RESTART_NOTE;
    this.withState.add(job.sessionId);
    this.send({ t: 'exec', id: running.id, session: job.sessionId, code: job.code });
    running.timer = setTimeout(() => this.interrupt('timeout'), job.timeoutMs);
  }

  private interrupt(reason: Exclude<InterruptReason, null>): void {
    const running = this.running;
    if (!running?.dispatched || running.interrupted) return;
    running.interrupted = reason;
    this.send({ t: 'interrupt', id: running.id });
    running.killTimer = setTimeout(
      () => this.kill(reason === 'timeout' ? { kind: 'timeout' } : { kind: 'cancelled' }),
      this.config.killGraceMs,
    );
  }

  private abort(job: StepJob): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.resolveJob(job, cancelled(), 0, []);
    } else if (this.running?.job === job) {
      if (this.running.dispatched) this.interrupt('cancelled');
      else this.finish(cancelled());
    }
  }

  private async onApiRequest(id: number | null, request: string): Promise<void> {
    const running = this.running;
    // After an interrupt the relay has already told Python the call is abandoned; the world is not asked.
    if (!running?.dispatched || id !== running.id || running.interrupted) return;
    const startedAt = performance.now();
    let call: ApiRequestType | null = null;
    let answer: ApiCallResult = { status: 400, body: { message: 'malformed API call' } };
    try {
      const parsed = ApiRequest.safeParse(JSON.parse(request));
      if (parsed.success) call = parsed.data;
      else
        answer = { status: 400, body: { message: `malformed API call: ${describeZodError(parsed.error)}` } };
    } catch {
      answer = { status: 400, body: { message: 'malformed API call: not JSON' } };
    }
    if (call) {
      try {
        answer = await this.config.onApiCall(running.job.sessionId, call.app, call.api, call.kwargs);
      } catch (error) {
        answer = {
          status: 500,
          body: { message: `the API call failed on the server: ${(error as Error).message}` },
        };
      }
    }
    // A step that ended while the world was answering (timeout, cancellation, crash) has already reported.
    if (this.running !== running) return;
    const reply = encodeAnswer(answer);
    running.apiCalls.push({
      app: call?.app ?? '?',
      api: call?.api ?? '?',
      status: reply.status,
      durationMs: performance.now() - startedAt,
    });
    this.send({ t: 'reply', id: running.id, reply: reply.text });
  }

  private onDone(id: number, resultText: string): void {
    const running = this.running;
    if (!running?.dispatched || id !== running.id) return;
    let report: StepReport;
    try {
      report = StepReport.parse(JSON.parse(resultText));
    } catch {
      this.kill({ kind: 'crash', message: 'the worker sent a malformed result' });
      return;
    }
    this.finish(
      fromReport(report, running.interrupted, {
        timeoutMs: running.job.timeoutMs,
        pythonHeapLimitMb: this.config.pythonHeapLimitMb,
      }),
    );
  }

  private finish(outcome: Outcome): void {
    const running = this.running;
    if (!running) return;
    this.running = null;
    clearTimeout(running.timer);
    clearTimeout(running.killTimer);
    if (running.dispatched) this.executions += 1;
    const durationMs = running.dispatched ? performance.now() - running.startedAt : 0;
    this.resolveJob(
      running.job,
      { ...outcome, observation: running.note + outcome.observation },
      durationMs,
      running.apiCalls,
    );
    queueMicrotask(() => this.pump());
  }

  private resolveJob(job: StepJob, outcome: Outcome, durationMs: number, apiCalls: ApiCallRecord[]): void {
    const onAbort = this.aborts.get(job);
    if (onAbort) {
      job.signal?.removeEventListener('abort', onAbort);
      this.aborts.delete(job);
    }
    const result: ExecutionResult = {
      observation: outcome.observation,
      ok: outcome.ok,
      durationMs,
      apiCalls,
    };
    if (outcome.error) result.error = outcome.error;
    job.resolve(result);
  }

  private send(message: HostMessage): void {
    const child = this.child;
    if (!child?.connected) return;
    try {
      child.send(message, (error) => {
        if (error)
          this.kill({ kind: 'crash', message: `the channel to the worker failed: ${error.message}` });
      });
    } catch (error) {
      this.kill({ kind: 'crash', message: `the channel to the worker failed: ${(error as Error).message}` });
    }
  }
}

function encodeAnswer(answer: ApiCallResult): { status: number; text: string } {
  const status =
    Number.isInteger(answer?.status) && answer.status >= 100 && answer.status <= 599 ? answer.status : 500;
  try {
    const body =
      status === answer?.status ? (answer.body ?? null) : { message: 'the world returned an invalid status' };
    return { status, text: JSON.stringify({ status, body }) };
  } catch {
    return {
      status: 500,
      text: JSON.stringify({ status: 500, body: { message: 'the API answer is not JSON' } }),
    };
  }
}
