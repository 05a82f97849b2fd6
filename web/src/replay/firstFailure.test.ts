import { describe, expect, it } from 'vitest';
import { foldEvents } from '../runs/runView.ts';
import { EventScript } from '../runs/testEvents.ts';
import { firstFailureOf, lastFinishedOf } from './firstFailure.ts';
import { recordedReply } from './recordedReply.ts';

function threeSteps(): EventScript {
  const script = new EventScript().started();
  script.add({ type: 'step.started', step: 1 });
  script.call(1, 'agent', ['Look.\n```python\nprint(1)\n```']);
  script.action(1, true, 'fine');
  script.add({ type: 'step.started', step: 2 });
  script.call(2, 'agent', ['Try.\n```python\nprint(x)\n```']);
  script.action(2, false, 'NameError');
  script.add({ type: 'step.started', step: 3 });
  script.call(3, 'agent', ['Again.']);
  return script;
}

describe('where a run first failed, from its view', () => {
  it('is the first step whose action failed, and a live run forks up to its last finished step', () => {
    const view = foldEvents(threeSteps().events);
    expect(firstFailureOf(view)).toBe(2);
    expect(lastFinishedOf(view)).toBe(2);
  });

  it('is none when every action succeeded', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.action(1, true, 'fine');
    script.finished('failed');
    expect(firstFailureOf(foldEvents(script.events))).toBeNull();
  });
});

describe('the agent reply a fork can edit', () => {
  it('reads the recorded reply and the code that ran at the step', () => {
    const view = foldEvents(threeSteps().events);
    expect(recordedReply(view, 2)).toEqual({ text: 'Try.\n```python\nprint(x)\n```', code: 'print(1)' });
    expect(recordedReply(view, 9)).toBeNull();
  });
});
