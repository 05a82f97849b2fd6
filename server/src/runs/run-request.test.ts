import { createHash } from 'node:crypto';
import { canonicalJson, DEFAULT_TIMEOUTS, type SamplingParams } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { buildChatBody } from '../inference/client.ts';
import { pythonBlock, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';

const TASK = 'notes_pin_1';
const KEY = 'sk-run-request-secret-2468';

/** An endpoint's defaults that a run used to lose: template kwargs and vendor extras beside named params. */
const DEFAULTS: SamplingParams = {
  temperature: 0.6,
  top_k: 20,
  max_tokens: 4096,
  chat_template_kwargs: { enable_thinking: true, reasoning_effort: 'low' },
  extra: { min_tokens: 1, repetition_context: 64 },
};

describe('the request a run sends', () => {
  const r = useTestRun();

  const withDefaults = () =>
    r.t.ctx.endpoints.create({
      name: `with defaults ${Math.random().toString(36).slice(2, 8)}`,
      baseUrl: r.server.url,
      kind: 'vllm',
      apiKey: KEY,
      defaultModel: 'qwen3-8b',
      defaultParams: DEFAULTS,
      timeouts: DEFAULT_TIMEOUTS,
    });

  /** react-baseline with the agent at temperature 0.1, thinking off, 1536 output tokens (the default budget). */
  const graph = () =>
    r.graph('react-baseline', (nodes) => {
      const agent = nodes.get('agent')!;
      if (agent.kind !== 'agent') throw new Error('the preset has no agent');
      agent.config.llm.params = { temperature: 0.1, chat_template_kwargs: { style: 'terse' } };
      agent.config.llm.thinking = false;
      agent.config.budget.maxOutputTokens = 1536;
    });

  it("carries the endpoint's default template kwargs and extras, and records exactly what was sent", async () => {
    const endpoint = await withDefaults();
    r.script('agent', pythonBlock(task(TASK).solution));
    const run = await r.run(graph(), TASK, { endpointId: endpoint.id });
    expect((await r.finished(run.id)).status).toBe('succeeded');

    const [sent] = r.requests();
    const [recorded] = await r.eventsOf(run.id, 'llm.request');
    // Node over endpoint defaults: the node's temperature, budget and thinking toggle win; every other default
    // stays, template kwargs and extras merged key by key.
    expect(recorded?.params).toEqual({
      temperature: 0.1,
      top_k: 20,
      max_tokens: 1536,
      chat_template_kwargs: { enable_thinking: false, reasoning_effort: 'low', style: 'terse' },
      extra: { min_tokens: 1, repetition_context: 64 },
    });
    // Field for field: the body the server received is the recorded model, messages and params, nothing else.
    expect(sent?.record.body).toEqual(buildChatBody(recorded!.model, recorded!.messages, recorded!.params));
    expect(sent?.record.body).toMatchObject({
      model: 'qwen3-8b',
      temperature: 0.1,
      top_k: 20,
      max_tokens: 1536,
      chat_template_kwargs: { enable_thinking: false, reasoning_effort: 'low', style: 'terse' },
      min_tokens: 1,
      repetition_context: 64,
    });
    expect(recorded?.endpoint).toEqual({
      id: endpoint.id,
      name: endpoint.name,
      baseUrl: r.server.url,
      kind: 'vllm',
    });
    expect(recorded?.endpointId).toBe(endpoint.id);
    const hash = createHash('sha256').update(canonicalJson(sent!.messages)).digest('hex');
    expect(recorded?.messagesHash).toBe(hash);
    expect(JSON.stringify(await r.events(run.id))).not.toContain(KEY);
  });

  it('sends what a Playground request with the same settings sends', async () => {
    const endpoint = await withDefaults();
    r.script('agent', pythonBlock(task(TASK).solution));
    const run = await r.run(graph(), TASK, { endpointId: endpoint.id });
    await r.finished(run.id);
    const [fromRun] = r.requests();
    const [recorded] = await r.eventsOf(run.id, 'llm.request');

    r.server.reset();
    const response = await r.t.app.inject({
      method: 'POST',
      url: '/api/playground/stream',
      payload: {
        endpointId: endpoint.id,
        messages: recorded!.messages,
        params: {
          temperature: 0.1,
          max_tokens: 1536,
          chat_template_kwargs: { enable_thinking: false, style: 'terse' },
        },
      },
    });
    expect(response.statusCode).toBe(200);
    const [fromPlayground] = r.requests();
    expect(fromPlayground?.record.body).toEqual(fromRun?.record.body);
  });

  it('records the tokens each call is charged, and the totals are their sums', async () => {
    r.script('agent', pythonBlock(task(TASK).solution));
    const run = await r.run(graph(), TASK);
    const done = await r.finished(run.id);
    const responses = await r.eventsOf(run.id, 'llm.response');
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response.charged).toEqual({
        prompt: response.usage!.promptTokens,
        completion: response.usage!.completionTokens,
        cached: response.usage!.cachedTokens ?? 0,
        estimated: false,
      });
    }
    const sum = (key: 'prompt' | 'completion') => responses.reduce((n, e) => n + e.charged![key], 0);
    expect(done.totals?.promptTokens).toBe(sum('prompt'));
    expect(done.totals?.completionTokens).toBe(sum('completion'));
  });
});
