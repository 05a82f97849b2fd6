import {
  type ChatMessage,
  type Graph,
  type InferenceEvent,
  preset,
  type RunEvent,
  requestParams,
} from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { messagesHash } from '../engine/llm-call.ts';
import type { ModelRequest } from '../engine/model.ts';
import { RecordDivergence, RecordEnded, RecordedModel } from './recorded-model.ts';

const graph = JSON.parse(JSON.stringify(preset('react-baseline').graph)) as Graph;
const agent = graph.nodes.find((n) => n.id === 'agent')!;
const agentLlm = agent.kind === 'agent' ? agent.config : null;
const endpoint = { id: 'e1', name: 'box', baseUrl: 'http://box:8000', kind: 'vllm' };
/** The endpoint's defaults when the run was recorded: the record shows them only inside each request's params. */
const endpointDefaults = { temperature: 0.3, chat_template_kwargs: { foo: 1 } };
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are an agent' },
  { role: 'user', content: 'Pin the note.' },
];
const params = requestParams({ endpoint: endpointDefaults, node: agentLlm! });

function record(options: { response?: boolean } = {}): RunEvent[] {
  const base = { runId: 'r', at: 0 };
  const events: RunEvent[] = [
    {
      ...base,
      seq: 1,
      type: 'run.started',
      graphVersionId: 'gv',
      graphName: 'g',
      taskId: 't',
      instruction: 'Pin the note.',
      endpoints: [endpoint],
      seed: 1,
      maxSteps: 3,
    },
    {
      ...base,
      seq: 2,
      type: 'llm.request',
      step: 1,
      nodeId: 'agent',
      role: 'agent',
      callId: 'c1',
      endpointId: 'e1',
      endpoint,
      model: 'qwen3-8b',
      messages,
      messagesHash: messagesHash(messages),
      params,
    },
  ];
  if (options.response !== false) {
    events.push({
      ...base,
      seq: 3,
      type: 'llm.response',
      step: 1,
      nodeId: 'agent',
      role: 'agent',
      callId: 'c1',
      text: 'print(1)',
      reasoning: 'thinking',
      usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13 },
      ttftMs: 12,
      latencyMs: 40,
      finishReason: 'stop',
      error: null,
    });
  }
  return events;
}

const model = (events = record(), strict = true, onRecordEnd?: () => void) =>
  new RecordedModel({
    graph,
    defaults: { endpointId: 'e1', model: null },
    events,
    strict,
    ...(onRecordEnd ? { onRecordEnd } : {}),
  });

function request(m: RecordedModel, change: Partial<ModelRequest> = {}, nodeId = 'agent'): ModelRequest {
  const binding = m.resolve(null, null);
  return {
    endpointId: binding.endpointId,
    model: binding.model,
    messages,
    params: requestParams({ endpoint: binding.defaultParams, node: agentLlm! }),
    signal: new AbortController().signal,
    labels: { runId: 'r2', seed: 1, nodeId, role: 'agent', step: 1 },
    ...change,
  };
}

async function drain(stream: AsyncIterable<InferenceEvent>): Promise<InferenceEvent[]> {
  const out: InferenceEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

describe('a model that answers from the record', () => {
  it('resolves bindings from the record alone: endpoint, default model, endpoint defaults', () => {
    const binding = model().resolve(null, null);
    // The agent sets its own temperature, so the endpoint's is hidden and never needed; its template kwarg shows.
    expect(binding).toEqual({
      endpointId: 'e1',
      model: 'qwen3-8b',
      endpoint,
      defaultParams: { chat_template_kwargs: { foo: 1 } },
    });
    expect(requestParams({ endpoint: binding.defaultParams, node: agentLlm! })).toEqual(params);
  });

  it('answers the same request with the recorded response and sends nothing', async () => {
    const m = model();
    const events = await drain(m.stream(request(m)));
    expect(events.map((e) => e.type)).toEqual(['start', 'reasoning', 'delta', 'usage', 'done']);
    expect(events).toContainEqual({ type: 'delta', text: 'print(1)' });
    expect(events.at(-1)).toMatchObject({
      finishReason: 'stop',
      ttftMs: 12,
      latencyMs: 40,
      completionTokens: 3,
    });
    expect(m.answered).toBe(1);
  });

  it('refuses a request that differs in messages, params, model or node, naming the field', async () => {
    const cases: [Partial<ModelRequest>, string, string][] = [
      [{ messages: [messages[0]!, { role: 'user', content: 'Pin another.' }] }, 'agent', 'messages'],
      [{ params: { ...params, temperature: 0.9 } }, 'agent', 'params'],
      [{ model: 'qwen3-4b' }, 'agent', 'model'],
      [{}, 'corrector', 'node'],
    ];
    for (const [change, nodeId, field] of cases) {
      const m = model();
      const refused = await drain(m.stream(request(m, change, nodeId))).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RecordDivergence);
      expect(m.divergence).toMatchObject({ step: 1, field });
      expect(m.answered).toBe(0);
    }
    const m = model();
    await drain(m.stream(request(m, { messages: [messages[0]!, { role: 'user', content: 'Other' }] }))).catch(
      () => undefined,
    );
    expect(m.divergence).toMatchObject({
      recorded: { role: 'user', content: 'Pin the note.' },
      replayed: { role: 'user', content: 'Other' },
      message: "node 'agent' sent other messages than the record (message 2 differs)",
    });
  });

  it('refuses a call the record does not have', async () => {
    const m = model();
    await drain(m.stream(request(m)));
    await expect(drain(m.stream(request(m)))).rejects.toThrow(
      /asked for a model call the record does not have/,
    );
    expect(m.divergence?.field).toBe('extra_call');
  });

  it('notes a difference as a finding and answers anyway when lenient', async () => {
    const m = model(record(), false);
    const events = await drain(m.stream(request(m, { params: { ...params, temperature: 0.9 } })));
    expect(events.at(-1)?.type).toBe('done');
    expect(m.findings.map((f) => f.field)).toEqual(['params']);
  });

  it('says where the record ends when the recorded run stopped during a call', async () => {
    let endedAt = 0;
    const m = model(record({ response: false }), true, () => {
      endedAt = 1;
    });
    await expect(drain(m.stream(request(m)))).rejects.toBeInstanceOf(RecordEnded);
    expect(endedAt).toBe(1);
    expect(m.answered).toBe(0);
  });
});
