import { describe, expect, it } from 'vitest';
import type { RunEventBody } from '../trace.ts';
import { firstFailedStep, lastFinishedStep } from './failure.ts';
import { stepsOf } from './steps.ts';

const request = (step: number, callId: string): RunEventBody => ({
  type: 'llm.request',
  step,
  nodeId: 'agent',
  role: 'agent',
  callId,
  endpointId: 'e1',
  model: 'm',
  messages: [{ role: 'user', content: 'x'.repeat(40) }],
  messagesHash: `hash-${callId}`,
  params: {},
});
const response = (step: number, callId: string, charged = true): RunEventBody => ({
  type: 'llm.response',
  step,
  nodeId: 'agent',
  role: 'agent',
  callId,
  text: 'reply',
  reasoning: '',
  usage: null,
  ttftMs: 5,
  latencyMs: 20,
  finishReason: 'stop',
  error: null,
  ...(charged ? { charged: { prompt: 7, completion: 3, cached: 0, estimated: false } } : {}),
});
const action = (step: number, code: string, ok: boolean): RunEventBody => ({
  type: 'action.executed',
  step,
  nodeId: 'executor',
  code,
  observation: ok ? 'fine' : 'Execution failed.',
  ok,
  error: ok ? null : 'TypeError: x',
  apiCalls: [],
  durationMs: 3,
  completed: false,
});

describe('folding events into steps', () => {
  const events = [
    { type: 'step.started', step: 1, at: 1000 } as const,
    { ...request(1, 'c1'), at: 1001 },
    { ...response(1, 'c1'), at: 1010 },
    { ...action(1, 'a()', true), at: 1030 },
    { type: 'step.started', step: 2, at: 1040 } as const,
    { ...request(2, 'c2'), at: 1041 },
    { ...response(2, 'c2', false), at: 1050 },
    {
      type: 'correction',
      step: 2,
      nodeId: 'corrector',
      reason: 'always',
      codeBefore: 'b(wrong)',
      codeAfter: 'b()',
      changed: true,
      rationale: 'fix',
      at: 1060,
    } as const,
    { ...action(2, 'b()', false), at: 1100 },
    { type: 'step.started', step: 3, at: 1110 } as const,
  ];

  it('gives each step its calls, code, observation, tokens and time', () => {
    const steps = stepsOf(events);
    expect(steps).toHaveLength(3);
    expect(steps[0]).toMatchObject({ step: 1, code: 'a()', ok: true, tokens: 10, durationMs: 30 });
    expect(steps[0]!.calls).toEqual([
      {
        nodeId: 'agent',
        role: 'agent',
        model: 'm',
        messagesHash: 'hash-c1',
        tokens: 10,
        latencyMs: 20,
        error: null,
      },
    ]);
    // Charged by the same rule when the record has no charge: 40 characters in, 5 out.
    expect(steps[1]).toMatchObject({
      code: 'b()',
      proposed: 'b(wrong)',
      ok: false,
      tokens: 12,
      durationMs: 60,
    });
    expect(steps[2]).toMatchObject({ step: 3, executed: false, code: null });
  });

  it('finds the first failed step and the last finished one', () => {
    const steps = stepsOf(events);
    expect(firstFailedStep(steps)).toBe(2);
    expect(lastFinishedStep(steps)).toBe(2);
    expect(firstFailedStep(steps.slice(0, 1))).toBeNull();
    expect(firstFailedStep(steps.slice(0, 1), 'errored')).toBe(1);
  });
});
