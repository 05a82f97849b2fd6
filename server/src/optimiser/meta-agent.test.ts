import { preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { useTestRun } from '../testing/use-test-run.ts';
import { askEndpoint, roundMessages } from './meta-agent.ts';

describe('the meta-agent at an endpoint', () => {
  const r = useTestRun();
  const messages = () =>
    roundMessages({
      round: 1,
      best: {
        round: 0,
        score: { rate: 0.5, low: 0.2, high: 0.8, successes: 2, n: 4 },
        cost: 1000,
        graph: preset('react-baseline').graph,
      },
      failures: [],
      failedRuns: 0,
      history: [],
    });

  it('is sent the whole conversation and answers with its reply', async () => {
    r.server.script({ match: { system: 'You improve a scaffold' }, reply: { content: '{"analysis": "a"}' } });
    const ask = askEndpoint(r.t.ctx.endpoints, r.endpointId, null, new AbortController().signal);
    expect(await ask(messages())).toBe('{"analysis": "a"}');
    const body = r.server.requests().at(-1)!.body as {
      model: string;
      max_tokens: number;
      messages: unknown[];
    };
    expect(body).toMatchObject({ model: 'qwen3-8b', max_tokens: 8192 });
    expect(body.messages).toHaveLength(2);
  });

  it('throws naming the endpoint when its server fails, or when it is no longer registered', async () => {
    r.server.script({ reply: { error: { status: 500, message: 'out of memory' } } });
    const ask = askEndpoint(r.t.ctx.endpoints, r.endpointId, null, new AbortController().signal);
    await expect(ask(messages())).rejects.toThrow(/^scripted: /);
    const gone = askEndpoint(r.t.ctx.endpoints, 'ep_gone', null, new AbortController().signal);
    await expect(gone(messages())).rejects.toThrow("endpoint 'ep_gone' is no longer registered");
  });
});
