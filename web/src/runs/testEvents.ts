import type { NodeKind, RunEvent, RunEventBody } from '@trellis/shared';

/** Builds a run's events with increasing sequence numbers and times, for the reducer's and helpers' tests. */
export class EventScript {
  readonly events: RunEvent[] = [];
  private at = 1_000;

  constructor(readonly runId = 'run_test') {}

  /** Appends one event, `ms` after the previous one. */
  add(body: RunEventBody, ms = 10): RunEvent {
    this.at += ms;
    const event = { ...body, runId: this.runId, seq: this.events.length + 1, at: this.at } as RunEvent;
    this.events.push(event);
    return event;
  }

  started(): this {
    this.add({
      type: 'run.started',
      graphVersionId: 'gv_1',
      graphName: 'Three roles',
      taskId: 'notes_lookup_1',
      instruction: 'Find the note about the dentist and tell me the date.',
      endpoints: [],
      seed: 7,
      maxSteps: 10,
    });
    return this;
  }

  /** One model call of `role` in `step`, streamed in the given fragments. */
  call(
    step: number,
    role: NodeKind,
    fragments: string[],
    opts: { usage?: boolean; latencyMs?: number } = {},
  ) {
    const callId = `${role}-${step}-${this.events.length}`;
    const messages = [
      { role: 'system' as const, content: `You are the ${role}.` },
      { role: 'user' as const, content: `Step ${step}` },
    ];
    this.add({
      type: 'llm.request',
      step,
      nodeId: role,
      role,
      callId,
      endpointId: 'ep',
      model: 'qwen3-8b',
      messages,
      params: { temperature: 0, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 },
    });
    for (const text of fragments) {
      this.add({ type: 'llm.delta', step, nodeId: role, callId, text, reasoning: '' });
    }
    this.add({
      type: 'llm.response',
      step,
      nodeId: role,
      role,
      callId,
      text: fragments.join(''),
      reasoning: '',
      usage: opts.usage === false ? null : { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
      ttftMs: 50,
      latencyMs: opts.latencyMs ?? 400,
      finishReason: 'stop',
      error: null,
    });
    return callId;
  }

  node(step: number, nodeId: string, kind: NodeKind, ms: number, outcome: 'ran' | 'skipped' = 'ran'): this {
    this.add({ type: 'node.started', step, nodeId, kind });
    this.add(
      {
        type: 'node.finished',
        step,
        nodeId,
        kind,
        outcome,
        durationMs: ms,
        ...(outcome === 'skipped' ? { reason: 'not needed' } : {}),
      },
      ms,
    );
    return this;
  }

  action(step: number, ok: boolean, observation: string): this {
    this.add({
      type: 'action.executed',
      step,
      nodeId: 'executor',
      code: 'print(1)',
      observation,
      ok,
      error: ok ? null : 'NameError',
      apiCalls: [],
      durationMs: 30,
      completed: false,
    });
    return this;
  }

  finished(status: 'succeeded' | 'failed' = 'succeeded'): this {
    this.add({
      type: 'run.finished',
      status,
      evaluation: { success: status === 'succeeded', difficulty: 1, numTests: 1, passes: [], failures: [] },
      totals: {
        steps: 1,
        llmCalls: 1,
        promptTokens: 500,
        completionTokens: 50,
        durationMs: 999,
        byRole: { agent: { calls: 1, promptTokens: 500, completionTokens: 50, durationMs: 999 } },
      },
      error: null,
    });
    return this;
  }
}
