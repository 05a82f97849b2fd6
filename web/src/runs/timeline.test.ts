import { describe, expect, it } from 'vitest';
import { foldEvents } from './runView.ts';
import { EventScript } from './testEvents.ts';
import { roleRows, stackBackground, stepTiming } from './timeline.ts';

describe('timeline and totals', () => {
  function run() {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.node(1, 'sum', 'summarizer', 5, 'skipped');
    script.node(1, 'agent', 'agent', 600);
    script.call(1, 'agent', ['x'], { latencyMs: 550 });
    script.node(1, 'executor', 'executor', 80).action(1, true, 'ok');
    script.add({ type: 'step.started', step: 2 });
    script.add({ type: 'node.started', step: 2, nodeId: 'agent', kind: 'agent' });
    script.add({ type: 'llm.request', ...requestBody() }, 250);
    return script;
  }
  function requestBody() {
    return {
      step: 2,
      nodeId: 'agent',
      role: 'agent' as const,
      callId: 'live',
      endpointId: 'ep',
      model: 'm',
      messages: [],
      params: {},
    };
  }

  it('splits each step by role in role order, a running node counting up to the latest event', () => {
    const view = foldEvents(run().events);
    expect(stepTiming(view.steps[0]!)).toEqual({
      step: 1,
      totalMs: 685,
      segments: [
        { kind: 'summarizer', ms: 5 },
        { kind: 'agent', ms: 600 },
        { kind: 'executor', ms: 80 },
      ],
    });
    expect(stepTiming(view.steps[1]!).segments).toEqual([{ kind: 'agent', ms: 250 }]);
  });

  it('computes role totals live, with the executor counted by actions and calls still streaming apart', () => {
    const rows = roleRows(foldEvents(run().events));
    expect(rows.map((r) => [r.role, r.calls, r.streaming, r.durationMs])).toEqual([
      ['agent', 1, 1, 550],
      ['executor', 1, 0, 30],
    ]);
  });

  it('shows a role whose first call is still streaming', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.add({ type: 'llm.request', ...requestBody(), step: 1 });
    expect(roleRows(foldEvents(script.events))).toMatchObject([{ role: 'agent', calls: 0, streaming: 1 }]);
  });

  it('uses the run totals once the run has finished, and counts nothing as streaming then', () => {
    const rows = roleRows(foldEvents(run().finished().events));
    expect(rows.find((r) => r.role === 'agent')?.durationMs).toBe(999);
    expect(rows.every((r) => r.streaming === 0)).toBe(true);
  });
});

describe('stackBackground', () => {
  it('stacks the roles from the bottom in proportion to their time, scaled to the longest step', () => {
    const timing = {
      step: 3,
      totalMs: 500,
      segments: [
        { kind: 'agent', ms: 400 },
        { kind: 'executor', ms: 100 },
      ],
    };
    expect(stackBackground(timing, 1_000)).toBe(
      'linear-gradient(to top, var(--role-agent, var(--role-other)) 0% 40%, var(--role-executor, var(--role-other)) 40% 50%, transparent 50%)',
    );
  });

  it('keeps a step that took almost no time visible', () => {
    const timing = { step: 1, totalMs: 1, segments: [{ kind: 'agent', ms: 1 }] };
    expect(stackBackground(timing, 10_000)).toContain('0% 3%');
  });

  it('draws nothing for a step with no time recorded yet', () => {
    expect(stackBackground({ step: 1, totalMs: 0, segments: [] }, 100)).toBe('none');
  });
});
