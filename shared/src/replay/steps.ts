import { z } from 'zod';
import { chargeCall, chargedTotal, promptChars } from '../run-contract/charging.ts';
import type { RunEventBody } from '../trace.ts';

/** One model call of a step, as compare and replay need it (never the prompt or the reply text). */
export const StepCall = z.object({
  nodeId: z.string(),
  role: z.string(),
  model: z.string(),
  /** sha256 of the messages' canonical JSON; null for traces recorded before it was kept. */
  messagesHash: z.string().nullable(),
  /** Tokens charged (prompt and completion). */
  tokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  /** The call's error message, when it failed. */
  error: z.string().nullable(),
});
export type StepCall = z.infer<typeof StepCall>;

/** What one step of a run did: its calls, the action it ran and what came back. */
export const StepRecord = z.object({
  step: z.number().int().positive(),
  calls: z.array(StepCall),
  /** The code the executor ran; null when the step ran none (no code in the reply, or it stopped before). */
  code: z.string().nullable(),
  /** The agent's own code when a corrector changed it before it ran. */
  proposed: z.string().nullable(),
  observation: z.string().nullable(),
  ok: z.boolean().nullable(),
  error: z.string().nullable(),
  /** The environment reported the task complete after this step's action. */
  completed: z.boolean(),
  /** The executor recorded this step's action (false for a step cut short). */
  executed: z.boolean(),
  tokens: z.number().int().nonnegative(),
  /** From the step's start to its last event (0 where events carry no times). */
  durationMs: z.number().nonnegative(),
});
export type StepRecord = z.infer<typeof StepRecord>;

/** An event body with, where it was recorded, the time it was appended. */
export type TimedEvent = RunEventBody & { at?: number };

function emptyStep(step: number): StepRecord {
  return {
    step,
    calls: [],
    code: null,
    proposed: null,
    observation: null,
    ok: null,
    error: null,
    completed: false,
    executed: false,
    tokens: 0,
    durationMs: 0,
  };
}

/**
 * A run's events folded into its steps, in order. Tokens are what each call was charged (for traces recorded
 * before charges were kept, charged now by the same rule).
 */
export function stepsOf(events: readonly TimedEvent[]): StepRecord[] {
  const steps: StepRecord[] = [];
  const requests = new Map<string, Extract<TimedEvent, { type: 'llm.request' }>>();
  let current: StepRecord | null = null;
  let startedAt: number | null = null;
  const touch = (event: TimedEvent) => {
    if (current && startedAt !== null && event.at !== undefined) {
      current.durationMs = Math.max(current.durationMs, event.at - startedAt);
    }
  };
  for (const event of events) {
    switch (event.type) {
      case 'step.started':
        current = emptyStep(event.step);
        startedAt = event.at ?? null;
        steps.push(current);
        break;
      case 'llm.request':
        requests.set(event.callId, event);
        break;
      case 'llm.response': {
        if (!current) break;
        const request = requests.get(event.callId);
        const charged =
          event.charged ??
          chargeCall({
            usage: event.usage,
            promptChars: request ? promptChars(request.messages) : 0,
            outputChars: event.text.length + event.reasoning.length,
          });
        const tokens = chargedTotal(charged);
        current.calls.push({
          nodeId: event.nodeId,
          role: event.role,
          model: request?.model ?? '',
          messagesHash: request?.messagesHash ?? null,
          tokens,
          latencyMs: event.latencyMs,
          error: event.error?.message ?? null,
        });
        current.tokens += tokens;
        break;
      }
      case 'correction':
        if (current && event.changed) current.proposed = event.codeBefore;
        break;
      case 'action.executed':
        if (!current) break;
        current.executed = true;
        current.code = event.code === '' ? null : event.code;
        current.observation = event.observation;
        current.ok = event.ok;
        current.error = event.error;
        current.completed = event.completed;
        break;
      default:
        break;
    }
    touch(event);
  }
  return steps;
}
