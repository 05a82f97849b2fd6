import { randomUUID } from 'node:crypto';
import type { Evaluation } from '@trellis/shared';
import { createSandboxPool, type SandboxPool, type SandboxSession } from '../sandbox/index.ts';
import { createWorld, getTask, type World } from '../world/index.ts';
import type { ApiRef, Environment, ExecutionResult, TaskStart } from './types.ts';

export interface BuiltinHostOptions {
  /** Interpreter processes; defaults to the machine's parallelism. */
  poolSize?: number;
  /** Default per-action time limit. */
  timeoutMs?: number;
  memoryLimitMb?: number;
}

/**
 * The built-in world's host: one sandbox pool shared by every task, each task with its own world and its own
 * interpreter session. Only JSON crosses from the sandbox to the world.
 */
export class BuiltinHost {
  private readonly worlds = new Map<string, World>();
  private pool: SandboxPool | null = null;

  constructor(private readonly options: BuiltinHostOptions = {}) {}

  /** The pool starts on first use, so a server that never runs a task never starts an interpreter. */
  sandbox(): SandboxPool {
    this.pool ??= createSandboxPool({
      ...(this.options.poolSize ? { size: this.options.poolSize } : {}),
      timeoutMs: this.options.timeoutMs ?? 10_000,
      ...(this.options.memoryLimitMb ? { memoryLimitMb: this.options.memoryLimitMb } : {}),
      onApiCall: (sessionId, app, api, kwargs) => {
        const world = this.worlds.get(sessionId);
        if (!world) return { status: 410, body: { message: 'this task has been closed' } };
        return world.call(app, api, kwargs);
      },
    });
    return this.pool;
  }

  environment(): Environment {
    return new BuiltinEnvironment(this);
  }

  attach(sessionId: string, world: World): void {
    this.worlds.set(sessionId, world);
  }

  detach(sessionId: string): void {
    this.worlds.delete(sessionId);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }
}

function appDocsText(body: unknown): string {
  if (!Array.isArray(body)) return JSON.stringify(body);
  return body
    .map((app) => {
      const { name, description } = app as { name?: string; description?: string };
      return `- ${name}: ${description}`;
    })
    .join('\n');
}

/** One task in the built-in world. */
export class BuiltinEnvironment implements Environment {
  private readonly sessionId = randomUUID();
  private world: World | null = null;
  private session: SandboxSession | null = null;

  constructor(private readonly host: BuiltinHost) {}

  private requireWorld(): World {
    if (!this.world) throw new Error('the environment is not initialized: call initialize(taskId) first');
    return this.world;
  }

  async initialize(taskId: string): Promise<TaskStart> {
    const task = getTask(taskId);
    if (!task) throw new Error(`unknown task '${taskId}'`);
    await this.close();
    this.world = createWorld(task);
    this.host.attach(this.sessionId, this.world);
    this.session = await this.host.sandbox().openSession(this.sessionId);
    return {
      taskId,
      instruction: task.instruction,
      supervisor: task.supervisor,
      datetime: task.datetime,
      difficulty: task.difficulty,
    };
  }

  async execute(
    code: string,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ExecutionResult> {
    this.requireWorld();
    if (!this.session) throw new Error('the environment is not initialized');
    const result = await this.session.execute(code, options);
    return {
      // AppWorld returns printed output without the final newline print() adds.
      observation: result.observation.replace(/\n+$/, ''),
      ok: result.ok,
      error: result.error ? `${result.error.kind}: ${result.error.message}` : null,
      apiCalls: result.apiCalls,
      durationMs: result.durationMs,
    };
  }

  async isCompleted(): Promise<boolean> {
    return this.requireWorld().completion().completed;
  }

  async evaluate(): Promise<Evaluation> {
    const report = this.requireWorld().evaluate();
    return {
      success: report.success,
      difficulty: report.difficulty,
      numTests: report.num_tests,
      passes: report.passes,
      failures: report.failures,
    };
  }

  async appDescriptions(): Promise<string> {
    return appDocsText(this.requireWorld().call('api_docs', 'show_app_descriptions', {}).body);
  }

  async apiDocs(refs: ApiRef[]): Promise<string> {
    const world = this.requireWorld();
    const docs: string[] = [];
    for (const ref of refs.slice(0, 8)) {
      const result = world.call('api_docs', 'show_api_doc', { app_name: ref.app, api_name: ref.api });
      if (result.status === 200) docs.push(`${ref.app}.${ref.api}:\n${JSON.stringify(result.body, null, 2)}`);
    }
    return docs.join('\n\n');
  }

  async close(): Promise<void> {
    this.host.detach(this.sessionId);
    const session = this.session;
    this.session = null;
    this.world = null;
    await session?.close();
  }
}
