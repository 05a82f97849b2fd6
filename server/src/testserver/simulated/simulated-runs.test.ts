import type { RunEvent } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRun } from '../../testing/run.ts';
import {
  NO_MISTAKES,
  SIMULATED_PRESETS,
  type SimulatedPreset,
  type SimulatedRates,
  withRates,
} from './index.ts';

/**
 * The simulated model through the real engine, sandbox and world: each failure mode alone (the other mistakes at
 * rate 0) happens, and the role meant to fix it does, as the recorded requests and observations show.
 */
const SMALL = SIMULATED_PRESETS.small!;

/** A preset with only these mistakes, served under its own model id. */
function only(name: string, rates: Partial<SimulatedRates>): SimulatedPreset {
  return { ...withRates(SMALL, { ...NO_MISTAKES, ...rates }), name, model: `simulated-${name}` };
}

const LONG_TASK = 'todo_summary_email_1';
const SHORT_TASK = 'notes_create_1';

/** Events without what differs between two runs of the same trajectory (ids, clocks, cache-dependent usage). */
function trajectory(events: RunEvent[]): unknown[] {
  const volatile = new Set(['runId', 'at', 'callId', 'usage', 'charged', 'totals', 'ttftMs', 'latencyMs']);
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !volatile.has(key) && !key.endsWith('durationMs'))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return events.map(strip);
}

describe('the simulated model in runs', () => {
  let r: TestRun;
  beforeAll(async () => {
    r = await TestRun.start({
      simulated: {
        presets: [
          SMALL,
          only('artifacts', { artifactGuess: 1, summaryDrop: 1 }),
          only('misuse', { apiMisuse: 1, correctorFix: 1 }),
          only('selffix', { apiMisuse: 1, agentFix: 1 }),
          only('loops', { apiMisuse: 1, repeat: 1, correctorFix: 1 }),
          only('nocode', { noCode: 1, noCodeStreak: 1 }),
          only('premature', { premature: 1 }),
        ],
        timeScale: 0,
      },
    });
  }, 120_000);
  afterAll(() => r.close());

  const run = async (
    graphId: Parameters<TestRun['graph']>[0],
    taskId: string,
    model: string,
    edit?: Parameters<TestRun['graph']>[1],
  ) => {
    r.server.reset();
    const started = await r.run(r.graph(graphId, edit), taskId, { model, seed: 3 });
    return r.finished(started.id);
  };
  const actions = (runId: string) => r.eventsOf(runId, 'action.executed');
  const limit = (steps: number) => (_nodes: unknown, graph: { limits: { maxSteps: number } }) => {
    graph.limits.maxSteps = steps;
  };

  it('replays the same trajectory, event for event, from the same seed', async () => {
    const first = await run('three-roles', LONG_TASK, 'simulated-small');
    const second = await run('three-roles', LONG_TASK, 'simulated-small');
    expect(trajectory(await r.events(second.id))).toEqual(trajectory(await r.events(first.id)));
    expect((await actions(first.id)).length).toBeGreaterThan(3);
  });

  describe('artifact loss', () => {
    const issuedMailToken = async (runId: string) =>
      /"access_token": "(mail\.[0-9a-f]{24})"/.exec(
        (await actions(runId)).map((a) => a.observation).join('\n'),
      )?.[1];

    it('guesses a token that has left its context, and the plain agent never recovers', async () => {
      const done = await run('react-baseline', LONG_TASK, 'simulated-artifacts', limit(14));
      expect(done.status).toBe('failed');
      const refused = (await actions(done.id)).find((a) =>
        a.observation.includes('The access_token is invalid or expired'),
      );
      expect(refused).toBeDefined();
      const token = await issuedMailToken(done.id);
      expect(token).toBeDefined();
      expect(refused!.code).toMatch(/mail_token = "mail\.[0-9a-f]{24}"/);
      expect(refused!.code).not.toContain(token);
      const agent = r.requests().filter((q) => q.role === 'agent');
      expect(agent.length).toBeGreaterThan(6);
    });

    it('keeps its tokens when a pinning summarizer restores what the summary dropped', async () => {
      const done = await run('summarizer-only', LONG_TASK, 'simulated-artifacts');
      expect(done.status).toBe('succeeded');
      const token = (await issuedMailToken(done.id))!;
      const [summary] = await r.eventsOf(done.id, 'summary.applied');
      expect(summary?.artifactsRestored).toContain(token);
      expect(summary?.artifactsLost).toEqual([]);
      const last = r
        .requests()
        .filter((q) => q.role === 'agent')
        .at(-2)!;
      expect(last.messages.map((m) => m.content).join('\n')).toContain(token);
      expect((await actions(done.id)).some((a) => a.observation.includes('invalid or expired'))).toBe(false);
    });

    it('loses them behind a summarizer that does not pin, and guesses', async () => {
      const done = await run('summarizer-only', LONG_TASK, 'simulated-artifacts', (nodes, graph) => {
        const summarizer = nodes.get('summarizer');
        if (summarizer?.kind === 'summarizer') summarizer.config.pinArtifacts = false;
        graph.limits.maxSteps = 14;
      });
      expect(done.status).toBe('failed');
      const token = (await issuedMailToken(done.id))!;
      const [summary] = await r.eventsOf(done.id, 'summary.applied');
      expect(summary?.summary).not.toContain(token);
      const afterSummary = r
        .requests()
        .filter((q) => q.role === 'agent')
        .at(-1)!;
      expect(afterSummary.messages.map((m) => m.content).join('\n')).not.toContain(token);
      expect((await actions(done.id)).some((a) => a.observation.includes('invalid or expired'))).toBe(true);
    });
  });

  describe('API misuse', () => {
    it('is fixed by the corrector from the API docs in its request', async () => {
      const plain = await run('react-baseline', SHORT_TASK, 'simulated-misuse', limit(10));
      expect(plain.status).toBe('failed');
      expect(
        (await actions(plain.id)).some((a) =>
          /Invalid arguments for|requires an access_token/.test(a.observation),
        ),
      ).toBe(true);

      const done = await run('corrector-only', SHORT_TASK, 'simulated-misuse');
      expect(done.status).toBe('succeeded');
      const corrections = (await r.eventsOf(done.id, 'correction')).filter((c) => c.changed);
      expect(corrections.length).toBeGreaterThan(0);
      const [seen] = r.requests().filter((q) => q.role === 'corrector');
      const text = seen!.messages.map((m) => m.content).join('\n');
      expect(text).toContain('Docs of the APIs this code calls');
      expect(text).toMatch(/notes\.create_note:\n\{/);
      expect(text).toMatch(/Invalid arguments for notes\.create_note|requires an access_token/);
      expect(text).not.toContain('Create a note titled');
      const fixed = (await actions(done.id)).find((a) => a.code === corrections[0]!.codeAfter);
      expect(fixed?.ok).toBe(true);
    });

    it('is fixed by the agent itself from the error, at its own rate', async () => {
      const done = await run('react-baseline', SHORT_TASK, 'simulated-selffix');
      expect(done.status).toBe('succeeded');
      const steps = await actions(done.id);
      const failed = steps.findIndex((a) => !a.ok);
      expect(failed).toBeGreaterThan(-1);
      expect(steps[failed + 1]?.ok).toBe(true);
      expect(r.requests().filter((q) => q.role === 'corrector')).toHaveLength(0);
    });
  });

  describe('repetition', () => {
    it('resends the same failing code until the loop-breaker sends it to the corrector', async () => {
      const plain = await run('react-baseline', SHORT_TASK, 'simulated-loops', limit(8));
      expect(plain.status).toBe('failed');
      const codes = (await actions(plain.id)).filter((a) => !a.ok).map((a) => a.code);
      expect(codes.length).toBeGreaterThan(3);
      expect(new Set(codes.slice(-3)).size).toBe(1);

      const done = await run('corrector-only', SHORT_TASK, 'simulated-loops');
      expect(done.status).toBe('succeeded');
      const breaks = (await r.eventsOf(done.id, 'correction')).filter((c) => c.reason === 'loop_breaker');
      expect(breaks.length).toBeGreaterThan(0);
      expect(breaks.every((c) => c.changed)).toBe(true);
    });
  });

  describe('no code', () => {
    it('keeps replying without code until the loop-breaker reminds it', async () => {
      const plain = await run('react-baseline', SHORT_TASK, 'simulated-nocode', limit(6));
      expect(plain.status).toBe('failed');
      expect((await actions(plain.id)).every((a) => a.code === '')).toBe(true);

      const done = await run('corrector-only', SHORT_TASK, 'simulated-nocode');
      expect(done.status).toBe('succeeded');
      expect(
        (await r.eventsOf(done.id, 'correction')).some(
          (c) => c.reason === 'loop_breaker' && c.codeBefore === '',
        ),
      ).toBe(true);
      const agent = r.requests().filter((q) => q.role === 'agent');
      const reminded = agent.findIndex((q) => q.messages.at(-1)?.content.includes('contained no code'));
      expect(reminded).toBeGreaterThan(0);
      const reply = (await r.eventsOf(done.id, 'llm.response')).filter((e) => e.role === 'agent')[reminded]!;
      expect(reply.text).toContain('```python\n');
    });
  });

  describe('premature completion', () => {
    it('completes with a wrong result that no role catches', async () => {
      for (const graph of ['react-baseline', 'three-roles'] as const) {
        const done = await run(graph, SHORT_TASK, 'simulated-premature');
        expect(done.status).toBe('failed');
        expect(done.evaluation?.success).toBe(false);
        const last = (await actions(done.id)).at(-1)!;
        expect(last.completed).toBe(true);
        expect(last.code).toContain('apis.supervisor.complete_task(');
        expect((await actions(done.id)).some((a) => a.code.includes('create_note'))).toBe(false);
      }
    });
  });
});
