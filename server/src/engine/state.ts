import type { ChatMessage, ContextPolicy, RoleTotals } from '@trellis/shared';
import type { TaskStart } from '../environments/types.ts';

/** One finished turn of the conversation: what the agent said, what ran, what came back. */
export interface Turn {
  step: number;
  /** The agent's reply with thinking removed and the executed code in place of its own. */
  reply: string;
  code: string | null;
  observation: string;
  ok: boolean;
}

export interface Summary {
  text: string;
  /** Turns [0, coversTurns) are replaced by the summary. */
  coversTurns: number;
}

/** What one node produced in this step, read by the nodes after it and by edge conditions. */
export interface NodeOutcome {
  ok: boolean;
}

/** Everything a run knows; role modules read and update it. */
export interface RunState {
  task: TaskStart;
  appDescriptions: string;
  step: number;
  maxSteps: number;
  turns: Turn[];
  summary: Summary | null;
  /** The agent's reply this step (thinking removed) and the code it proposed, possibly corrected since. */
  reply: string | null;
  code: string | null;
  lastExecution: { code: string | null; observation: string; ok: boolean } | null;
  /** Consecutive agent replies without code. */
  noCodeStreak: number;
  /** A reminder the loop-breaker adds to the next observation. */
  nudge: string | null;
  completed: boolean;
  tokensUsed: number;
  tokensByNode: Map<string, number>;
  byRole: Record<string, RoleTotals>;
  llmCalls: number;
  noCodeSteps: number;
  apiErrorSteps: number;
}

export function newRunState(task: TaskStart, appDescriptions: string, maxSteps: number): RunState {
  return {
    task,
    appDescriptions,
    step: 0,
    maxSteps,
    turns: [],
    summary: null,
    reply: null,
    code: null,
    lastExecution: null,
    noCodeStreak: 0,
    nudge: null,
    completed: false,
    tokensUsed: 0,
    tokensByNode: new Map(),
    byRole: {},
    llmCalls: 0,
    noCodeSteps: 0,
    apiErrorSteps: 0,
  };
}

/** The values every LLM node's templates may use. */
export function taskVariables(state: RunState): Record<string, string | number> {
  const s = state.task.supervisor;
  return {
    'task.instruction': state.task.instruction,
    'task.id': state.task.taskId,
    'task.datetime': state.task.datetime,
    'supervisor.name': `${s.first_name} ${s.last_name}`,
    'supervisor.email': s.email,
    'supervisor.phone': s.phone_number,
    step: state.step,
    max_steps: state.maxSteps,
  };
}

export function observationMessage(turn: Turn): string {
  return `Output:\n${turn.observation}`;
}

function turnMessages(turns: Turn[]): ChatMessage[] {
  return turns.flatMap((turn) => [
    { role: 'assistant' as const, content: turn.reply },
    { role: 'user' as const, content: observationMessage(turn) },
  ]);
}

/** The history a node sees under its context policy, after its system and first user messages. */
export function historyMessages(state: RunState, policy: ContextPolicy): ChatMessage[] {
  switch (policy.type) {
    case 'inputs_only':
      return [];
    case 'full':
      return turnMessages(state.turns);
    case 'last_k':
      return turnMessages(state.turns.slice(-policy.k));
    case 'compressed': {
      if (!state.summary) return turnMessages(state.turns);
      return [
        { role: 'user', content: `Summary of the work so far:\n${state.summary.text}` },
        { role: 'assistant', content: 'Understood. I will continue from there.' },
        ...turnMessages(state.turns.slice(state.summary.coversTurns)),
      ];
    }
  }
}

export function renderTurns(turns: Turn[]): string {
  return turns
    .map((turn) => `### Step ${turn.step}\nAgent:\n${turn.reply}\n\nOutput:\n${turn.observation}`)
    .join('\n\n');
}
