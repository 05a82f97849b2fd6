import { type ChatMessage, renderTemplate } from '@trellis/shared';
import { extractCode, splitThinking } from '../code.ts';
import { callModel, overBudget } from '../llm-call.ts';
import { historyMessages, taskVariables } from '../state.ts';
import type { Role } from './types.ts';

/**
 * The agent: sees the task, the history under its context policy and the app list, and proposes one Python
 * action. Earlier thinking never goes back into the history.
 */
export const runAgent: Role<'agent'> = async (ctx, node) => {
  const { state } = ctx;
  const config = node.config;
  if (overBudget(state, node.id, config.budget)) {
    state.reply = null;
    state.code = null;
    return { outcome: 'skipped', reason: `token budget of ${config.budget.maxTotalTokens} spent` };
  }
  const values = {
    ...taskVariables(state),
    api_docs: state.appDescriptions,
    last_observation: state.lastExecution?.observation ?? '',
  };
  const messages: ChatMessage[] = [
    { role: 'system', content: renderTemplate(config.prompts.system, values) },
    { role: 'user', content: renderTemplate(config.prompts.user, values) },
    ...historyMessages(state, config.context),
  ];
  const result = await callModel(
    ctx.llm,
    state,
    { id: node.id, kind: node.kind, llm: config.llm, budget: config.budget },
    messages,
  );
  // Servers without a reasoning parser leave <think> in the content.
  const { answer } = splitThinking(result.text);
  state.reply = answer;
  state.code = extractCode(answer);
  state.noCodeStreak = state.code === null ? state.noCodeStreak + 1 : 0;
  return state.code === null
    ? { outcome: 'ran', ok: false, reason: 'no code in the reply' }
    : { outcome: 'ran', ok: true };
};
