import { renderTemplate } from '@trellis/shared';
import { calledApis, extractCode, normalizeCode, splitThinking } from '../code.ts';
import { callModel, overBudget } from '../llm-call.ts';
import type { Role } from './types.ts';

const NO_CODE_NUDGE =
  'Your last two replies contained no code. Reply with exactly one ```python code block that makes progress on the task.';

/**
 * The corrector: isolated from the conversation. It sees only the proposed code, the last observation or error,
 * and the docs of the APIs the code calls, and returns revised code or NO CHANGE with a diagnosis. The
 * loop-breaker steps in when the agent repeats failing code or produces no code twice in a row.
 */
export const runCorrector: Role<'corrector'> = async (ctx, node) => {
  const { state } = ctx;
  const config = node.config;
  const last = state.lastExecution;
  // Reached straight from a failed execution (executor → corrector on error), review the code that failed.
  const code = state.code ?? (state.reply === null && last !== null && !last.ok ? last.code : null);

  if (code === null) {
    if (config.loopBreaker && state.noCodeStreak >= 2) {
      state.nudge = NO_CODE_NUDGE;
      ctx.emit({
        type: 'correction',
        step: state.step,
        nodeId: node.id,
        reason: 'loop_breaker',
        codeBefore: '',
        codeAfter: '',
        changed: false,
        rationale: `No code in ${state.noCodeStreak} replies in a row; the next observation tells the agent to write one python block.`,
      });
      return { outcome: 'ran', ok: true, reason: 'loop-breaker: no code twice' };
    }
    return { outcome: 'skipped', reason: 'no code to review' };
  }

  const repeatsFailure =
    last !== null && !last.ok && last.code !== null && normalizeCode(last.code) === normalizeCode(code);
  let reason: 'always' | 'after_failure' | 'loop_breaker' | null = null;
  if (config.loopBreaker && repeatsFailure) reason = 'loop_breaker';
  else if (config.trigger === 'always') reason = 'always';
  // A step with no code to run is not a failed execution: there is nothing for the corrector to review.
  else if (config.trigger === 'after_failure' && last !== null && !last.ok && last.code !== null) {
    reason = 'after_failure';
  }
  if (reason === null) {
    return {
      outcome: 'skipped',
      reason: config.trigger === 'never' ? 'trigger: never' : 'last execution succeeded',
    };
  }
  if (overBudget(state, node.id, config.budget)) {
    return { outcome: 'skipped', reason: `token budget of ${config.budget.maxTotalTokens} spent` };
  }

  const values = {
    code,
    error: last ? last.observation : '(not executed yet)',
    api_docs: (await ctx.env.apiDocs(calledApis(code))) || '(no API calls found in the code)',
  };
  const result = await callModel(
    ctx.llm,
    state,
    { id: node.id, kind: node.kind, llm: config.llm, budget: config.budget },
    [
      { role: 'system', content: renderTemplate(config.prompts.system, values) },
      { role: 'user', content: renderTemplate(config.prompts.user, values) },
    ],
  );
  const answer = splitThinking(result.text).answer;
  const revised = /\bNO CHANGE\b/.test(answer) && !/```/.test(answer) ? null : extractCode(answer);
  const diagnosis = (/Diagnosis:\s*(.*)/i.exec(answer)?.[1] ?? answer.split('\n')[0] ?? '').trim();
  const changed = revised !== null && normalizeCode(revised) !== normalizeCode(code);
  state.code = changed && revised !== null ? revised : code;
  ctx.emit({
    type: 'correction',
    step: state.step,
    nodeId: node.id,
    reason,
    codeBefore: code,
    codeAfter: changed ? revised : code,
    changed,
    rationale: diagnosis,
  });
  return { outcome: 'ran', ok: true };
};
