import type { Experiment, ExperimentItem, ForkResult, RunDetail } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { experimentServices } from '../experiments/services.ts';
import {
  attributesOf,
  type Collector,
  type OtlpExport,
  type OtlpSpan,
  useCollector,
} from '../testing/collector.ts';
import { normalisedExport, spanTree } from '../testing/otlp.ts';
import { pythonBlock, type TestRun, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';

const TASK = 'notes_pin_1';
const API_KEY = 'sk-endpoint-secret-4f1c';
const COLLECTOR_AUTH = 'Basic cGstbGYtcHVibGljOnNrLWxmLXNlY3JldA==';
const FAILING_CODE = 'print(undefined_name)';

/** The app's config: export to this collector, with its credentials, content as asked. */
const exportingTo = (collector: Collector, content: boolean) => () => ({
  otlp: {
    endpoint: collector.url,
    headers: { authorization: COLLECTOR_AUTH },
    content,
    serviceName: 'trellis',
  },
});

/** An endpoint on the scripted server that has an API key: the key must reach no span. */
async function keyedEndpoint(r: TestRun): Promise<string> {
  const existing = (await r.t.ctx.endpoints.list()).find((e) => e.name === 'scripted-with-key');
  if (existing) return existing.id;
  return (
    await r.t.ctx.endpoints.create({
      name: 'scripted-with-key',
      baseUrl: r.server.url,
      kind: 'vllm',
      apiKey: API_KEY,
      defaultModel: 'qwen3-8b',
      defaultParams: { temperature: 0.2, max_tokens: 512 },
      timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
    })
  ).id;
}

/** A two-step run: a failing action, then the solution. Returns it once its spans reached the collector. */
async function tracedRun(r: TestRun, collector: Collector): Promise<{ run: RunDetail; spans: OtlpSpan[] }> {
  r.script('agent', pythonBlock(FAILING_CODE), pythonBlock(task(TASK).solution));
  const graph = r.graph('react-baseline', (_nodes, g) => {
    g.limits.maxSteps = 3;
  });
  const started = await r.run(graph, TASK, { endpointId: await keyedEndpoint(r), seed: 7 });
  const run = await r.finished(started.id);
  await r.t.ctx.telemetry!.flush();
  return { run, spans: spansOfRun(collector, run.id) };
}

/** The spans of one run's trace: its root names the run as the conversation. */
function spansOfRun(collector: Collector, runId: string): OtlpSpan[] {
  const spans = collector.spans();
  const root = spans.find((s) => !s.parentSpanId && attributesOf(s)['gen_ai.conversation.id'] === runId);
  if (!root) throw new Error(`no trace for ${runId}`);
  return spans.filter((s) => s.traceId === root.traceId);
}

const named = (spans: OtlpSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));
const byId = (spans: OtlpSpan[], id: string | undefined) => spans.find((s) => s.spanId === id);

describe('exporting runs as OpenTelemetry traces', () => {
  const collector = useCollector();
  const r = useTestRun({ config: exportingTo(collector, false) });

  it('exports a run as invoke_workflow → step → invoke_agent → chat, with execute_tool under its step', async () => {
    const { run, spans } = await tracedRun(r, collector);
    expect(run.status).toBe('succeeded');

    const [root, ...others] = spanTree(spans);
    expect(root!.span.name).toBe('invoke_workflow ReAct baseline');
    expect(others.map((s) => `${'  '.repeat(s.depth)}${s.span.name}`)).toEqual([
      '  step 1',
      '    invoke_agent agent',
      '      chat qwen3-8b',
      '    execute_tool executor',
      '  step 2',
      '    invoke_agent agent',
      '      chat qwen3-8b',
      '    execute_tool executor',
    ]);

    const chat = named(spans, 'chat ')[0]!;
    expect(chat.kind).toBe(3); // CLIENT
    const agent = byId(spans, chat.parentSpanId)!;
    expect(attributesOf(agent)).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'agent',
      'gen_ai.agent.name': 'agent',
      'trellis.node.outcome': 'ran',
    });
    expect(attributesOf(byId(spans, agent.parentSpanId)!)).toEqual({ 'trellis.step': 1 });

    // Every child lies within its parent's time.
    for (const span of spans) {
      const parent = byId(spans, span.parentSpanId);
      if (!parent) continue;
      expect(BigInt(span.startTimeUnixNano) >= BigInt(parent.startTimeUnixNano)).toBe(true);
      expect(BigInt(span.endTimeUnixNano) <= BigInt(parent.endTimeUnixNano)).toBe(true);
    }
    // The collector's credentials arrive as the export's header.
    expect(collector.exports()[0]!.headers.authorization).toBe(COLLECTOR_AUTH);
  });

  it('names the run as the conversation and carries the task, the step and how the run and its actions ended', async () => {
    const { run, spans } = await tracedRun(r, collector);
    const root = spanTree(spans)[0]!.span;
    expect(attributesOf(root)).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'ReAct baseline',
      'gen_ai.conversation.id': run.id,
      'trellis.task.id': TASK,
      'trellis.seed': 7,
      'trellis.run.status': 'succeeded',
      'trellis.run.steps': 2,
      'trellis.evaluation.success': true,
    });
    expect(attributesOf(root)).not.toHaveProperty('trellis.fork.parent_run_id');
    expect(attributesOf(root)).not.toHaveProperty('trellis.experiment.id');
    for (const span of [
      ...named(spans, 'invoke_agent'),
      ...named(spans, 'chat'),
      ...named(spans, 'execute_tool'),
    ]) {
      expect(attributesOf(span)['gen_ai.conversation.id']).toBe(run.id);
    }

    const chat = attributesOf(named(spans, 'chat ')[0]!);
    const { params } = (await r.eventsOf(run.id, 'llm.request'))[0]!;
    expect(chat).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'vllm',
      'gen_ai.request.model': 'qwen3-8b',
      'gen_ai.request.temperature': params.temperature,
      'gen_ai.request.max_tokens': params.max_tokens,
      'gen_ai.response.finish_reasons': ['stop'],
      'server.address': '127.0.0.1',
      'trellis.step': 1,
      'trellis.node.id': 'agent',
    });

    const [failed, solved] = named(spans, 'execute_tool');
    expect(attributesOf(failed!)).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'executor',
      'trellis.action.ok': false,
      'error.type': 'action_error',
    });
    expect(failed!.status?.code).toBe(2); // ERROR
    expect(failed!.status?.message).toBeUndefined();
    expect(attributesOf(solved!)).toMatchObject({
      'trellis.action.ok': true,
      'trellis.action.completed': true,
    });
    expect(solved!.status?.code ?? 0).toBe(0);
  });

  it("reports usage that adds up to the run's totals, cached tokens included", async () => {
    const { run, spans } = await tracedRun(r, collector);
    const chats = named(spans, 'chat ').map(attributesOf);
    const sum = (key: string) => chats.reduce((n, a) => n + (a[key] as number), 0);
    expect(chats).toHaveLength(run.totals!.llmCalls);
    expect(sum('gen_ai.usage.input_tokens')).toBe(run.totals!.promptTokens);
    expect(sum('gen_ai.usage.output_tokens')).toBe(run.totals!.completionTokens);
    const responses = await r.eventsOf(run.id, 'llm.response');
    expect(chats.map((a) => a['gen_ai.usage.cache_read.input_tokens'])).toEqual(
      responses.map((e) => e.usage!.cachedTokens),
    );
  });

  it('sends each model request a traceparent naming the run trace and the chat span', async () => {
    const { spans } = await tracedRun(r, collector);
    const chats = named(spans, 'chat ');
    const requests = r.requests();
    expect(requests).toHaveLength(chats.length);
    for (const request of requests) {
      const callId = request.record.headers['x-trellis-call'];
      const chat = chats.find((s) => attributesOf(s)['trellis.call.id'] === callId)!;
      expect(request.record.headers.traceparent).toBe(`00-${chat.traceId}-${chat.spanId}-01`);
    }
  });

  it('exports no prompt, reply, code, observation or key by default', async () => {
    const { run } = await tracedRun(r, collector);
    const payload = collector
      .exports()
      .map((e) => e.text)
      .join('\n');
    expect(payload).toContain(run.id);
    for (const secret of [API_KEY, COLLECTOR_AUTH, COLLECTOR_AUTH.slice(6)])
      expect(payload).not.toContain(secret);
    for (const content of [task(TASK).instruction, FAILING_CODE, 'undefined_name', 'You are an agent']) {
      expect(payload).not.toContain(content);
    }
    for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments']) {
      expect(payload).not.toContain(key);
    }
  });

  it('exports a run as the recorded fixture', async () => {
    collector.reset();
    const { run } = await tracedRun(r, collector);
    const exported = collector.exports().map((e) => e.body) as OtlpExport[];
    await expect(`${JSON.stringify(normalisedExport(exported, run.id), null, 2)}\n`).toMatchFileSnapshot(
      './fixtures/run.otlp.json',
    );
  });

  it('marks a failed model call and the errored run, and a call the server gave no usage for as estimated', async () => {
    r.script('agent', { content: pythonBlock('print(1)'), usage: false }, { fault: 'http_500' });
    const started = await r.run(r.graph('react-baseline'), TASK, { endpointId: await keyedEndpoint(r) });
    const run = await r.finished(started.id);
    expect(run.status).toBe('errored');
    await r.t.ctx.telemetry!.flush();
    const spans = spansOfRun(collector, run.id);
    const [estimated, failed] = named(spans, 'chat ');
    expect(attributesOf(estimated!)).toMatchObject({ 'trellis.usage.estimated': true });
    expect(attributesOf(estimated!)).not.toHaveProperty('gen_ai.usage.input_tokens');
    expect(attributesOf(estimated!)['trellis.charged.input_tokens']).toBe(
      (await r.eventsOf(run.id, 'llm.response'))[0]!.charged!.prompt,
    );
    expect(failed!.status?.code).toBe(2);
    expect(attributesOf(failed!)['error.type']).toBe('server_error');
    expect(byId(spans, failed!.parentSpanId)!.status?.code).toBe(2);
    const root = spanTree(spans)[0]!.span;
    expect(root.status).toMatchObject({ code: 2, message: run.error });
    expect(attributesOf(root)['trellis.run.status']).toBe('errored');
    // The step the run died in still ends, and its spans with it.
    expect(spanTree(spans).map((s) => s.span.name)).toContain('step 2');
  });

  it('names the parent of a fork and marks the steps it took from the record', async () => {
    const { run: parent } = await tracedRun(r, collector);
    r.server.script({
      match: { system: 'You are an agent' },
      reply: { content: pythonBlock(task(TASK).solution) },
    });
    const res = await r.t.app.inject({
      method: 'POST',
      url: `/api/runs/${parent.id}/forks`,
      payload: {
        step: 2,
        change: { nodes: { agent: { 'prompts.system': 'You are an agent. Be careful.' } } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const child = await r.finished((res.json() as ForkResult).run.id);
    await r.t.ctx.telemetry!.flush();
    const spans = spansOfRun(collector, child.id);
    expect(attributesOf(spanTree(spans)[0]!.span)).toMatchObject({
      'trellis.fork.parent_run_id': parent.id,
      'trellis.fork.step': 2,
    });
    expect(
      named(spans, 'chat ').map((s) => [
        attributesOf(s)['trellis.step'],
        attributesOf(s)['trellis.replayed'],
      ]),
    ).toEqual([
      [1, true],
      [2, undefined],
    ]);
  });

  it('names the experiment a run belongs to', async () => {
    r.server.script({
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: pythonBlock(task(TASK).solution) },
    });
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/experiments',
      payload: {
        arms: [{ preset: 'react-baseline', endpointId: r.endpointId }],
        tasks: { ids: [TASK] },
        seeds: [7],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const experiment = res.json() as Experiment;
    await experimentServices(r.t.ctx).experiments.settled(experiment.id);
    const items = (await r.t.app.inject({ url: `/api/experiments/${experiment.id}/items` })).json() as {
      items: ExperimentItem[];
    };
    const runId = items.items[0]!.runId!;
    await r.t.ctx.telemetry!.flush();
    expect(attributesOf(spanTree(spansOfRun(collector, runId))[0]!.span)['trellis.experiment.id']).toBe(
      experiment.id,
    );
  });
});

describe('exporting runs with their content', () => {
  const collector = useCollector();
  const r = useTestRun({ config: exportingTo(collector, true) });

  it('adds the messages, the reply, the code and its observation when content export is on', async () => {
    const { spans } = await tracedRun(r, collector);
    const chat = attributesOf(named(spans, 'chat ')[0]!);
    const input = JSON.parse(chat['gen_ai.input.messages'] as string) as {
      role: string;
      parts: { content: string }[];
    }[];
    expect(input[0]).toMatchObject({ role: 'system', parts: [{ type: 'text' }] });
    expect(input.some((m) => m.parts[0]!.content.includes(task(TASK).instruction))).toBe(true);
    const output = JSON.parse(chat['gen_ai.output.messages'] as string);
    expect(output).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: pythonBlock(FAILING_CODE) }],
        finish_reason: 'stop',
      },
    ]);
    const [failed] = named(spans, 'execute_tool');
    expect(attributesOf(failed!)).toMatchObject({ 'gen_ai.tool.call.arguments': FAILING_CODE });
    expect(attributesOf(failed!)['gen_ai.tool.call.result']).toContain('NameError');
    expect(failed!.status?.message).toContain('undefined_name');
    expect(
      collector
        .exports()
        .map((e) => e.text)
        .join('\n'),
    ).not.toContain(API_KEY);
  });
});

describe('runs when no collector is configured', () => {
  const r = useTestRun();

  it('sends no traceparent and has no exporter', async () => {
    r.script('agent', pythonBlock(task(TASK).solution));
    const run = await r.finished((await r.run(r.graph('react-baseline'), TASK)).id);
    expect(run.status).toBe('succeeded');
    expect(r.t.ctx.telemetry).toBeNull();
    const [request] = r.requests();
    expect(request!.record.headers['x-trellis-call']).toBe(
      (await r.eventsOf(run.id, 'llm.request'))[0]!.callId,
    );
    expect(request!.record.headers).not.toHaveProperty('traceparent');
  });
});
