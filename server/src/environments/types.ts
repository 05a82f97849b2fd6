import type { ApiCallRecord, Evaluation } from '@trellis/shared';

export interface TaskStart {
  taskId: string;
  instruction: string;
  supervisor: { first_name: string; last_name: string; email: string; phone_number: string };
  datetime: string;
  difficulty: number | null;
}

export interface ExecutionResult {
  observation: string;
  ok: boolean;
  /** Short error kind/message when not ok (exception, api_error, timeout, …). */
  error: string | null;
  apiCalls: ApiCallRecord[];
  durationMs: number;
}

/** An API the agent may call, as `apis.<app>.<api>`. */
export interface ApiRef {
  app: string;
  api: string;
}

/**
 * Where actions run and tasks are judged. One interface, two implementations: the built-in world (in-process,
 * Pyodide sandbox) and an AppWorld environment server over HTTP.
 */
export interface Environment {
  initialize(taskId: string): Promise<TaskStart>;
  execute(code: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<ExecutionResult>;
  /** Whether the agent has called complete_task. */
  isCompleted(): Promise<boolean>;
  evaluate(): Promise<Evaluation>;
  /** One line per app: its name and what it does. */
  appDescriptions(): Promise<string>;
  /** The docs of the given APIs (parameters, response schema), as text; unknown ones are skipped. */
  apiDocs(refs: ApiRef[]): Promise<string>;
  close(): Promise<void>;
}
