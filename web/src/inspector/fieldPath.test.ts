import { createNode, type EditorField, type GraphNode, NODE_KINDS } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { editField, getPath, isFieldVisible, setPath } from './fieldPath.ts';

const field = (node: GraphNode, key: string): EditorField => {
  const found = NODE_KINDS[node.kind].fields.find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key} on ${node.kind}`);
  return found;
};

describe('editing node fields from their description', () => {
  it('reads and writes dotted paths without touching the original', () => {
    const config = { llm: { params: { temperature: 0 } } };
    const next = setPath(config, 'llm.params.top_p', 0.9);
    expect(getPath(next, 'llm.params.top_p')).toBe(0.9);
    expect(getPath(config, 'llm.params.top_p')).toBeUndefined();
    expect(getPath(setPath(next, 'llm.params.top_p', undefined), 'llm.params')).toEqual({ temperature: 0 });
  });

  it('shows variant fields only for the variant that has them', () => {
    const summarizer = createNode('summarizer', 's');
    expect(isFieldVisible(summarizer.config, field(summarizer, 'trigger.threshold'))).toBe(true);
    expect(isFieldVisible(summarizer.config, field(summarizer, 'trigger.every'))).toBe(false);
    expect(isFieldVisible(summarizer.config, field(summarizer, 'trigger.type'))).toBe(true);
    const agent = createNode('agent', 'a');
    expect(isFieldVisible(agent.config, field(agent, 'context.k'))).toBe(false);
    expect(isFieldVisible(agent.config, field(agent, 'llm.params.top_p'))).toBe(true);
  });

  it('switching a variant fills the new variant from defaults or the field minimum', () => {
    const summarizer = createNode('summarizer', 's');
    const turns = editField(summarizer, field(summarizer, 'trigger.type'), 'turns');
    expect(turns.ok && getPath(turns.config, 'trigger')).toEqual({ type: 'turns', every: 1 });
    const agent = createNode('agent', 'a');
    const lastK = editField(agent, field(agent, 'context.type'), 'last_k');
    expect(lastK.ok && getPath(lastK.config, 'context')).toEqual({ type: 'last_k', k: 1 });
  });

  it('refuses a value the schema refuses, naming why', () => {
    const agent = createNode('agent', 'a');
    const hot = editField(agent, field(agent, 'llm.params.temperature'), 5);
    expect(hot.ok).toBe(false);
    if (!hot.ok) expect(hot.message).toMatch(/2/);
    const executor = createNode('executor', 'x');
    expect(editField(executor, field(executor, 'timeoutMs'), 50).ok).toBe(false);
    expect(editField(executor, field(executor, 'timeoutMs'), 2500)).toMatchObject({
      ok: true,
      config: { timeoutMs: 2500 },
    });
  });

  it('an emptied optional number is unset, and a nullable one falls back to null', () => {
    const agent = createNode('agent', 'a');
    const noTopP = editField(agent, field(agent, 'llm.params.top_p'), undefined);
    expect(noTopP.ok && getPath(noTopP.config, 'llm.params.top_p')).toBeUndefined();
    const withBudget = editField(agent, field(agent, 'budget.maxTotalTokens'), 5000);
    expect(withBudget.ok && getPath(withBudget.config, 'budget.maxTotalTokens')).toBe(5000);
    const cleared = editField(agent, field(agent, 'budget.maxTotalTokens'), undefined);
    expect(cleared.ok && getPath(cleared.config, 'budget.maxTotalTokens')).toBeNull();
  });
});
