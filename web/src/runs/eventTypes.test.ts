import { RUN_EVENT_TYPES, type RunEvent, RunEventBody } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { foldEvents, type RunView } from './runView.ts';
import { EventScript } from './testEvents.ts';

/** What the view shows once an event of each type has been applied: a new type must say what it changes. */
const SHOWS: Record<RunEvent['type'], (view: RunView) => boolean> = {
  'run.started': (view) => view.started?.taskId === 'notes_lookup_1',
  'step.started': (view) => view.steps.map((s) => s.step).join() === '1',
  'node.started': (view) => view.steps[0]!.items.length > 0,
  'node.finished': (view) => JSON.stringify(view).includes('"durationMs":420'),
  'llm.request': (view) => JSON.stringify(view).includes('You are the agent.'),
  'llm.delta': (view) => JSON.stringify(view).includes('print(1)'),
  'llm.response': (view) => JSON.stringify(view).includes('"finishReason":"stop"'),
  'summary.applied': (view) => view.steps[0]!.summary?.summary === 'Logged in.',
  correction: (view) => view.steps[0]!.corrections[0]?.codeAfter === 'print(2)',
  'action.executed': (view) => view.steps[0]!.items.some((item) => item.type === 'action'),
  'run.finished': (view) => view.finished?.status === 'succeeded',
};

function oneOfEach(): EventScript {
  const script = new EventScript().started();
  script.add({ type: 'step.started', step: 1 });
  script.add({ type: 'node.started', step: 1, nodeId: 'agent', kind: 'agent' });
  script.call(1, 'agent', ['```python\n', 'print(1)\n', '```']);
  script.add({
    type: 'node.finished',
    step: 1,
    nodeId: 'agent',
    kind: 'agent',
    outcome: 'ran',
    durationMs: 420,
  });
  script.add({
    type: 'summary.applied',
    step: 1,
    nodeId: 'summarizer',
    tokensBefore: 900,
    tokensAfter: 200,
    turnsCompressed: 3,
    input: 'history',
    summary: 'Logged in.',
    artifactsKept: [],
    artifactsRestored: [],
    artifactsLost: [],
  });
  script.add({
    type: 'correction',
    step: 1,
    nodeId: 'corrector',
    reason: 'after_failure',
    codeBefore: 'print(1)',
    codeAfter: 'print(2)',
    changed: true,
    rationale: 'fixed',
  });
  script.action(1, true, '2');
  script.finished();
  return script;
}

describe('the browser and the event schema', () => {
  it('listens for exactly the event types the schema defines', () => {
    const defined = RunEventBody.options.map((option) => option.shape.type.value);
    expect([...RUN_EVENT_TYPES].sort()).toEqual([...defined].sort());
  });

  it('applies every event type the schema defines', () => {
    const events = oneOfEach().events;
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(RUN_EVENT_TYPES));
    const view = foldEvents(events);
    expect(view.eventCount).toBe(events.length);
    for (const type of RUN_EVENT_TYPES) expect(SHOWS[type](view), type).toBe(true);
  });
});
