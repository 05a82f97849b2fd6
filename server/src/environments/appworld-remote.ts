import type { Evaluation } from '@trellis/shared';
import type { ApiRef, Environment, ExecutionResult, TaskStart } from './types.ts';

export interface AppWorldRemoteOptions {
  /** The environment server, e.g. http://127.0.0.1:8000 (or Trellis's own http://127.0.0.1:4317/appworld). */
  baseUrl: string;
  experimentName?: string;
  maxInteractions?: number;
  timeoutSeconds?: number;
  /** Per-request time limit. */
  requestTimeoutMs?: number;
}

/** An error from the remote environment server, carrying its `detail`. */
export class AppWorldRemoteError extends Error {
  constructor(
    message: string,
    /** The server could not be reached at all (as opposed to refusing a request). */
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'AppWorldRemoteError';
  }
}

/**
 * A client for AppWorld's environment server (`appworld serve environment`). Every response is `{"output": …}`;
 * errors are HTTP 400 `{"detail": …}`.
 */
export class AppWorldRemoteEnvironment implements Environment {
  private taskId: string | null = null;

  constructor(private readonly options: AppWorldRemoteOptions) {}

  private async post<T>(route: string, body: Record<string, unknown>): Promise<T> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 120_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new AppWorldRemoteError(`cannot reach the AppWorld environment server at ${url}: ${cause}`, true);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppWorldRemoteError(
        `${url} answered HTTP ${response.status} with non-JSON: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) {
      const detail = (json as { detail?: unknown }).detail;
      throw new AppWorldRemoteError(
        `${route.slice(1)} failed (HTTP ${response.status}): ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`,
      );
    }
    if (typeof json !== 'object' || json === null || !('output' in json)) {
      throw new AppWorldRemoteError(`${url} answered without an "output" field`);
    }
    return (json as { output: T }).output;
  }

  private requireTask(): string {
    if (!this.taskId) throw new AppWorldRemoteError('the environment is not initialized');
    return this.taskId;
  }

  async initialize(taskId: string): Promise<TaskStart> {
    const output = await this.post<{
      instruction: string;
      supervisor: TaskStart['supervisor'];
      datetime: string;
    }>('/initialize', {
      task_id: taskId,
      ...(this.options.experimentName ? { experiment_name: this.options.experimentName } : {}),
      ...(this.options.maxInteractions ? { max_interactions: this.options.maxInteractions } : {}),
      ...(this.options.timeoutSeconds ? { timeout_seconds: this.options.timeoutSeconds } : {}),
    });
    this.taskId = taskId;
    return {
      taskId,
      instruction: output.instruction,
      supervisor: output.supervisor,
      datetime: String(output.datetime),
      difficulty: null,
    };
  }

  async execute(code: string): Promise<ExecutionResult> {
    const started = performance.now();
    const observation = await this.post<string>('/execute', { task_id: this.requireTask(), code });
    const failed = observation.startsWith('Execution failed');
    return {
      observation,
      ok: !failed,
      error: failed ? (observation.split('\n').at(-1) ?? 'execution failed') : null,
      apiCalls: [],
      durationMs: performance.now() - started,
    };
  }

  async isCompleted(): Promise<boolean> {
    return this.post<boolean>('/task_completed', { task_id: this.requireTask() });
  }

  async evaluate(): Promise<Evaluation> {
    const output = await this.post<{
      success: boolean;
      difficulty?: number;
      num_tests: number;
      passes: { requirement: string; label: string }[];
      failures: { requirement: string; trace: string; label: string }[];
    }>('/evaluate', { task_id: this.requireTask(), suppress_errors: true, report: false });
    return {
      success: output.success,
      difficulty: output.difficulty ?? null,
      numTests: output.num_tests,
      passes: output.passes,
      failures: output.failures,
    };
  }

  async appDescriptions(): Promise<string> {
    const observation = await this.post<string>('/execute', {
      task_id: this.requireTask(),
      code: 'print(apis.api_docs.show_app_descriptions())',
    });
    try {
      const apps = JSON.parse(observation) as { name: string; description: string }[];
      return apps.map((app) => `- ${app.name}: ${app.description}`).join('\n');
    } catch {
      return observation;
    }
  }

  async apiDocs(refs: ApiRef[]): Promise<string> {
    const docs: string[] = [];
    for (const ref of refs.slice(0, 8)) {
      const observation = await this.post<string>('/execute', {
        task_id: this.requireTask(),
        code: `print(apis.api_docs.show_api_doc(app_name=${JSON.stringify(ref.app)}, api_name=${JSON.stringify(ref.api)}))`,
      });
      if (!observation.startsWith('Execution failed')) docs.push(`${ref.app}.${ref.api}:\n${observation}`);
    }
    return docs.join('\n\n');
  }

  async close(): Promise<void> {
    if (!this.taskId) return;
    const taskId = this.taskId;
    this.taskId = null;
    await this.post('/close', { task_id: taskId }).catch(() => undefined);
  }
}
