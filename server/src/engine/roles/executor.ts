import { replaceCode } from '../code.ts';
import type { Role } from './types.ts';

const NO_CODE =
  'No code was found in your reply, so nothing ran. Reply with exactly one ```python code block.';

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[observation truncated: ${text.length - max} more characters]`;
}

/** The executor: runs the action in the environment, records the turn, and notes whether the task is complete. */
export const runExecutor: Role<'executor'> = async (ctx, node) => {
  const { state } = ctx;
  const code = state.code;
  let observation: string;
  let ok: boolean;
  let error: string | null = null;
  let apiCalls: { app: string; api: string; status: number; durationMs: number }[] = [];
  let durationMs = 0;
  if (code === null) {
    observation = NO_CODE;
    ok = false;
    error = 'no code';
  } else {
    const result = await ctx.env.execute(code, { signal: ctx.signal, timeoutMs: node.config.timeoutMs });
    observation = clip(result.observation, node.config.maxObservationChars);
    ok = result.ok;
    error = result.error;
    apiCalls = result.apiCalls;
    durationMs = result.durationMs;
    state.completed = await ctx.env.isCompleted();
  }
  if (code === null) state.noCodeSteps++;
  else if (apiCalls.some((call) => call.status >= 400)) state.apiErrorSteps++;
  if (state.nudge) {
    observation = `${observation}\n\n${state.nudge}`;
    state.nudge = null;
  }
  ctx.emit({
    type: 'action.executed',
    step: state.step,
    nodeId: node.id,
    code: code ?? '',
    observation,
    ok,
    error,
    apiCalls,
    durationMs,
    completed: state.completed,
  });
  const reply = state.reply ?? '';
  state.turns.push({
    step: state.step,
    reply: code === null ? reply : replaceCode(reply, code),
    code,
    observation,
    ok,
  });
  state.lastExecution = { code, observation, ok };
  state.reply = null;
  state.code = null;
  return { outcome: 'ran', ok };
};
