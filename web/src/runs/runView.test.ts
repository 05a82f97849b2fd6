import type { ChargedTokens, RunEventOf } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyRunView, foldEvents } from './runView.ts';
import { EventScript } from './testEvents.ts';

function threeStepRun(): EventScript {
  const script = new EventScript().started();
  for (let step = 1; step <= 3; step++) {
    script.add({ type: 'step.started', step });
    script.add({ type: 'node.started', step, nodeId: 'agent', kind: 'agent' });
    script.call(step, 'agent', ['```python\n', `print(${step})\n`, '```']);
    script.add({
      type: 'node.finished',
      step,
      nodeId: 'agent',
      kind: 'agent',
      outcome: 'ran',
      durationMs: 420,
    });
    script.node(step, 'executor', 'executor', 40).action(step, step !== 2, `${step}`);
  }
  return script;
}

describe('applyEvent', () => {
  it('builds steps in order with their calls, actions and items as they happened', () => {
    const view = foldEvents(threeStepRun().events);
    expect(view.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    const second = view.steps[1]!;
    expect(second.items.map((i) => i.type)).toEqual(['call', 'action']);
    expect(second.actions[0]?.ok).toBe(false);
    const call = view.calls[second.calls[0]!]!;
    expect(call.text).toBe('```python\nprint(2)\n```');
    expect(call.done).toBe(true);
    expect(call.ttftMs).toBe(50);
  });

  it('shows streamed text before the response arrives', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    const callId = script.call(1, 'agent', ['Hel', 'lo']);
    const view = emptyRunView();
    // Everything up to, not including, the response.
    for (const event of script.events.slice(0, -1)) applyEvent(view, event);
    const call = view.calls[callId]!;
    expect(call.text).toBe('Hello');
    expect(call.done).toBe(false);
    expect(call.firstDeltaAt).not.toBeNull();
    expect(view.status).toBe('running');
  });

  it('ignores events replayed after a reconnect, so nothing is doubled', () => {
    const events = threeStepRun().events;
    const once = foldEvents(events);
    const view = emptyRunView();
    for (const event of events.slice(0, 20)) applyEvent(view, event);
    // The reconnect replays from seq 10 onwards.
    for (const event of events.slice(9)) applyEvent(view, event);
    expect(view.eventCount).toBe(events.length);
    expect(view.steps.map((s) => s.calls.length)).toEqual(once.steps.map((s) => s.calls.length));
    for (const id of Object.keys(once.calls)) expect(view.calls[id]?.text).toBe(once.calls[id]?.text);
    expect(view.liveTotals).toEqual(once.liveTotals);
  });

  it('ignores deltas that arrive after the response', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    const callId = script.call(1, 'agent', ['done']);
    script.add({ type: 'llm.delta', step: 1, nodeId: 'agent', callId, text: ' late', reasoning: '' });
    expect(foldEvents(script.events).calls[callId]?.text).toBe('done');
  });

  it('keeps steps sorted when one arrives out of order', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.add({ type: 'step.started', step: 3 });
    script.add({ type: 'step.started', step: 2 });
    expect(foldEvents(script.events).steps.map((s) => s.step)).toEqual([1, 2, 3]);
  });

  it('tracks node visits: running, then their outcome and duration, and the active node', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.add({ type: 'node.started', step: 1, nodeId: 'sum', kind: 'summarizer' });
    const view = foldEvents(script.events);
    expect(view.activeNodeId).toBe('sum');
    expect(view.steps[0]?.visits[0]?.outcome).toBe('running');
    applyEvent(
      view,
      script.add({
        type: 'node.finished',
        step: 1,
        nodeId: 'sum',
        kind: 'summarizer',
        outcome: 'skipped',
        reason: 'context small',
        durationMs: 2,
      }),
    );
    expect(view.steps[0]?.visits[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'context small',
      durationMs: 2,
    });
  });

  it('pairs a repeated visit to the same node with its own finish', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.node(1, 'corrector', 'corrector', 100);
    script.add({ type: 'node.started', step: 1, nodeId: 'corrector', kind: 'corrector' });
    const view = foldEvents(script.events);
    expect(view.steps[0]?.visits.map((v) => v.outcome)).toEqual(['ran', 'running']);
    expect(view.steps[0]?.visits[0]?.durationMs).toBe(100);
  });

  it('adds up per-role totals from responses, estimating tokens when no usage was reported', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.call(1, 'agent', ['abcd'], { latencyMs: 300 });
    script.call(1, 'agent', ['abcdefgh'], { usage: false, latencyMs: 200 });
    script.call(1, 'corrector', ['x'], { latencyMs: 100 });
    const totals = foldEvents(script.events).liveTotals;
    // The estimate: (system + user message characters) / 4, and (text + reasoning) / 4, rounded up.
    const promptChars = 'You are the agent.'.length + 'Step 1'.length;
    expect(totals.agent).toEqual({
      calls: 2,
      promptTokens: 100 + Math.ceil(promptChars / 4),
      completionTokens: 20 + 2,
      durationMs: 500,
    });
    expect(totals.corrector?.calls).toBe(1);
  });

  it('sums the tokens each response was charged, and derives none of its own', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    const charge = (charged: ChargedTokens) => {
      (script.events.at(-1) as RunEventOf<'llm.response'>).charged = charged;
    };
    script.call(1, 'agent', ['abcd'], { latencyMs: 300 });
    charge({ prompt: 7, completion: 3, cached: 4, estimated: false });
    script.call(1, 'agent', ['abcdefgh'], { usage: false, latencyMs: 200 });
    charge({ prompt: 11, completion: 2, cached: 0, estimated: true });
    expect(foldEvents(script.events).liveTotals.agent).toEqual({
      calls: 2,
      promptTokens: 18,
      completionTokens: 5,
      durationMs: 500,
    });
  });

  it('records the finish with its totals and clears the active node', () => {
    const view = foldEvents(threeStepRun().finished('failed').events);
    expect(view.status).toBe('failed');
    expect(view.finished?.totals.byRole.agent?.calls).toBe(1);
    expect(view.activeNodeId).toBeNull();
  });

  it('bumps a step revision when one of its calls streams, so its rows re-render', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    const callId = script.call(1, 'agent', ['a', 'b']);
    const view = emptyRunView();
    const revs: number[] = [];
    for (const event of script.events) {
      applyEvent(view, event);
      revs.push(view.calls[callId]?.rev ?? -1);
    }
    expect(revs.slice(-3)).toEqual([1, 2, 3]);
    expect(view.steps[0]?.endedAt).toBe(script.events.at(-1)?.at);
  });
});
