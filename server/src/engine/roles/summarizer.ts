import { renderTemplate } from '@trellis/shared';
import { checkArtifacts, collectArtifacts } from '../artifacts.ts';
import { estimateTokens, splitThinking } from '../code.ts';
import { callModel, overBudget } from '../llm-call.ts';
import { historyMessages, type RunState, renderTurns, taskVariables } from '../state.ts';
import type { Role } from './types.ts';

/** The context the agent would see now, in estimated tokens. */
export function contextTokens(state: RunState): number {
  const history = historyMessages(state, { type: 'compressed' });
  return (
    estimateTokens(state.task.instruction) +
    estimateTokens(state.appDescriptions) +
    history.reduce((n, m) => n + estimateTokens(m.content), 0) +
    400
  );
}

/**
 * The summarizer: when its trigger holds, compresses the turns before the last K into a summary, keeping the
 * system prompt and first user message (they are rebuilt each call) and pinning artifacts verbatim.
 */
export const runSummarizer: Role<'summarizer'> = async (ctx, node) => {
  const { state } = ctx;
  const config = node.config;
  const from = state.summary?.coversTurns ?? 0;
  const upTo = Math.max(from, state.turns.length - config.keepLastTurns);
  const tokensBefore = contextTokens(state);
  const trigger = config.trigger;
  if (trigger.type === 'tokens' && tokensBefore <= trigger.threshold) {
    return { outcome: 'skipped', reason: `context ${tokensBefore} ≤ ${trigger.threshold} tokens` };
  }
  if (trigger.type === 'turns' && (state.turns.length === 0 || state.turns.length % trigger.every !== 0)) {
    return { outcome: 'skipped', reason: `fires every ${trigger.every} turns` };
  }
  if (upTo <= from) return { outcome: 'skipped', reason: 'nothing old enough to compress' };
  if (overBudget(state, node.id, config.budget)) {
    return { outcome: 'skipped', reason: `token budget of ${config.budget.maxTotalTokens} spent` };
  }

  const compressed = state.turns.slice(from, upTo);
  const previous = state.summary ? `Earlier summary:\n${state.summary.text}\n\n` : '';
  const input = previous + renderTurns(compressed);
  const artifacts = config.pinArtifacts
    ? collectArtifacts([
        ...(state.summary ? [{ code: null, observation: state.summary.text }] : []),
        ...compressed,
      ])
    : [];
  const values = {
    ...taskVariables(state),
    history: input,
    pinned_artifacts: artifacts.length > 0 ? artifacts.map((a) => `- ${a}`).join('\n') : '(none)',
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
  let summary = splitThinking(result.text).answer.trim();
  const { lost } = checkArtifacts(summary, artifacts);
  if (config.pinArtifacts && lost.length > 0) {
    summary += `\n\n## Pinned facts (verbatim)\n${lost.map((a) => `- ${a}`).join('\n')}`;
  }
  const finalCheck = checkArtifacts(summary, artifacts);
  state.summary = { text: summary, coversTurns: upTo };
  ctx.emit({
    type: 'summary.applied',
    step: state.step,
    nodeId: node.id,
    tokensBefore,
    tokensAfter: contextTokens(state),
    turnsCompressed: compressed.length,
    input,
    summary,
    artifactsKept: finalCheck.kept,
    artifactsRestored: config.pinArtifacts ? lost : [],
    artifactsLost: finalCheck.lost,
  });
  return { outcome: 'ran', ok: true };
};
