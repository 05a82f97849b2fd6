import type { ChatMessage, RunEvent, RunEventBody, RunTotals } from '../shared/src/index.ts';

/**
 * A finished three-role run of a given size, shaped like a real one: every step visits summarizer, agent,
 * corrector and executor; the agent streams its reply, the corrector reviews code after failures, the summarizer
 * compresses the history every twenty steps, and prompts grow with the history until it is compressed.
 */
export interface SyntheticRun {
  events: RunEvent[];
  totals: RunTotals;
}

const SYSTEM_AGENT = `You are an agent that completes tasks by writing Python against the apps' APIs.\n${'Call apis.api_docs.show_api_doc to read an API before using it. '.repeat(24)}`;
const SYSTEM_SUMMARIZER =
  'You compress the history of an agent working on a task. Keep every credential verbatim.';
const SYSTEM_CORRECTOR = 'You review one block of Python code that failed, and return a corrected block.';

function code(step: number): string {
  return [
    `token = apis.notes.login(username="ada@example.com", password="pw-${step % 7}")["access_token"]`,
    `page = apis.notes.search_notes(access_token=token, query="dentist", page_index=${step % 5})`,
    'for note in page:',
    '    print(note["note_id"], note["title"], note["updated_at"])',
  ].join('\n');
}

function observation(step: number, ok: boolean): string {
  if (!ok)
    return `Traceback (most recent call last):\n  File "<agent>", line 2\nKeyError: 'page_index' (step ${step})`;
  return Array.from(
    { length: 6 },
    (_, i) => `${step * 10 + i} Appointment ${i} 2026-0${(i % 9) + 1}-1${i}`,
  ).join('\n');
}

/** Splits `text` into `parts` fragments (the last may be empty when the text is short). */
function fragments(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size));
}

export function syntheticRun(
  runId: string,
  graphVersionId: string,
  steps: number,
  targetEvents: number,
): SyntheticRun {
  const bodies: { body: RunEventBody; ms: number }[] = [];
  const add = (body: RunEventBody, ms = 5) => bodies.push({ body, ms });
  const byRole: RunTotals['byRole'] = {};
  let llmCalls = 0;
  const charge = (role: string, prompt: number, completion: number, ms: number) => {
    const totals = byRole[role] ?? { calls: 0, promptTokens: 0, completionTokens: 0, durationMs: 0 };
    byRole[role] = totals;
    totals.calls++;
    totals.promptTokens += prompt;
    totals.completionTokens += completion;
    totals.durationMs += ms;
    llmCalls++;
  };

  const summarizes = (step: number) => step % 20 === 0;
  const corrects = (step: number) => step % 3 === 0;
  // Fixed events per step, without the agent's deltas (which fill the rest of the budget).
  const fixed = (step: number) =>
    1 + 2 + (summarizes(step) ? 6 : 0) + 2 + 2 + 2 + (corrects(step) ? 5 : 0) + 2 + 1;
  let fixedTotal = 2;
  for (let s = 1; s <= steps; s++) fixedTotal += fixed(s);
  const deltaBudget = Math.max(steps, targetEvents - fixedTotal);

  let history: string[] = [];
  let call = 0;
  add({
    type: 'run.started',
    graphVersionId,
    graphName: 'Three roles',
    taskId: 'notes_lookup_1',
    instruction: 'Find the note about my dentist appointment and reply with its date.',
    endpoints: [{ id: 'ep_local', name: 'local vllm', baseUrl: 'http://127.0.0.1:8000/v1', kind: 'vllm' }],
    seed: 7,
    maxSteps: steps,
  });
  for (let step = 1; step <= steps; step++) {
    add({ type: 'step.started', step });
    add({ type: 'node.started', step, nodeId: 'summarizer', kind: 'summarizer' });
    if (summarizes(step)) {
      const callId = `call_${++call}`;
      const input = history.join('\n\n');
      const password = `pw-${(step - 1) % 7}`;
      const summary = `## Progress\nSearched notes ${step} times.\n## Key facts\n- login as ada@example.com with ${password}`;
      const messages: ChatMessage[] = [
        { role: 'system', content: SYSTEM_SUMMARIZER },
        { role: 'user', content: input },
      ];
      add({
        type: 'llm.request',
        step,
        nodeId: 'summarizer',
        role: 'summarizer',
        callId,
        endpointId: 'ep_local',
        model: 'qwen3-8b',
        messages,
        params: { temperature: 0 },
      });
      for (const text of fragments(summary, 3))
        add({ type: 'llm.delta', step, nodeId: 'summarizer', callId, text, reasoning: '' }, 30);
      add({
        type: 'llm.response',
        step,
        nodeId: 'summarizer',
        role: 'summarizer',
        callId,
        text: summary,
        reasoning: '',
        usage: {
          promptTokens: Math.ceil(input.length / 4),
          completionTokens: 60,
          totalTokens: Math.ceil(input.length / 4) + 60,
        },
        ttftMs: 80,
        latencyMs: 700,
        finishReason: 'stop',
        error: null,
      });
      charge('summarizer', Math.ceil(input.length / 4), 60, 700);
      add({
        type: 'summary.applied',
        step,
        nodeId: 'summarizer',
        tokensBefore: Math.ceil(input.length / 4),
        tokensAfter: 120,
        turnsCompressed: history.length,
        input,
        summary,
        artifactsKept: [password],
        artifactsRestored: step % 40 === 20 ? ['ada@example.com'] : [],
        artifactsLost: step % 40 === 0 ? [`pw-${(step - 2) % 7}`] : [],
      });
      history = [summary];
    }
    add({
      type: 'node.finished',
      step,
      nodeId: 'summarizer',
      kind: 'summarizer',
      outcome: summarizes(step) ? 'ran' : 'skipped',
      durationMs: summarizes(step) ? 720 : 1,
      ...(summarizes(step) ? {} : { reason: 'context 2,100 ≤ 6,000 tokens' }),
    });

    add({ type: 'node.started', step, nodeId: 'agent', kind: 'agent' });
    const agentCall = `call_${++call}`;
    const reply = `I will search the notes again, page ${step % 5}.\n\`\`\`python\n${code(step)}\n\`\`\``;
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM_AGENT },
      { role: 'user', content: 'Find the note about my dentist appointment and reply with its date.' },
      ...history.map((content) => ({ role: 'assistant' as const, content })),
    ];
    add({
      type: 'llm.request',
      step,
      nodeId: 'agent',
      role: 'agent',
      callId: agentCall,
      endpointId: 'ep_local',
      model: 'qwen3-8b',
      messages,
      params: { temperature: 0, max_tokens: 1024 },
    });
    const deltas = Math.floor(deltaBudget / steps) + (step <= deltaBudget % steps ? 1 : 0);
    for (const text of fragments(reply, deltas))
      add({ type: 'llm.delta', step, nodeId: 'agent', callId: agentCall, text, reasoning: '' }, 30);
    const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
    add({
      type: 'llm.response',
      step,
      nodeId: 'agent',
      role: 'agent',
      callId: agentCall,
      text: reply,
      reasoning: 'The last page had no match; try the next one.',
      usage: { promptTokens, completionTokens: 90, totalTokens: promptTokens + 90 },
      ttftMs: 120,
      latencyMs: 1_400,
      finishReason: 'stop',
      error: null,
    });
    charge('agent', promptTokens, 90, 1_400);
    add({ type: 'node.finished', step, nodeId: 'agent', kind: 'agent', outcome: 'ran', durationMs: 1_420 });

    add({ type: 'node.started', step, nodeId: 'corrector', kind: 'corrector' });
    if (corrects(step)) {
      const callId = `call_${++call}`;
      const revised = code(step).replace('page_index', 'page');
      const answer = `Diagnosis: search_notes takes 'page', not 'page_index'.\n\`\`\`python\n${revised}\n\`\`\``;
      add({
        type: 'llm.request',
        step,
        nodeId: 'corrector',
        role: 'corrector',
        callId,
        endpointId: 'ep_local',
        model: 'qwen3-8b',
        messages: [
          { role: 'system', content: SYSTEM_CORRECTOR },
          { role: 'user', content: code(step) },
        ],
        params: { temperature: 0 },
      });
      for (const text of fragments(answer, 2))
        add({ type: 'llm.delta', step, nodeId: 'corrector', callId, text, reasoning: '' }, 30);
      add({
        type: 'llm.response',
        step,
        nodeId: 'corrector',
        role: 'corrector',
        callId,
        text: answer,
        reasoning: '',
        usage: { promptTokens: 400, completionTokens: 120, totalTokens: 520 },
        ttftMs: 90,
        latencyMs: 900,
        finishReason: 'stop',
        error: null,
      });
      charge('corrector', 400, 120, 900);
      add({
        type: 'correction',
        step,
        nodeId: 'corrector',
        reason: 'after_failure',
        codeBefore: code(step),
        codeAfter: revised,
        changed: true,
        rationale: "search_notes takes 'page', not 'page_index'.",
      });
    }
    add({
      type: 'node.finished',
      step,
      nodeId: 'corrector',
      kind: 'corrector',
      outcome: corrects(step) ? 'ran' : 'skipped',
      durationMs: corrects(step) ? 920 : 1,
      ...(corrects(step) ? {} : { reason: 'last execution succeeded' }),
    });

    const ok = step % 3 !== 2;
    const executed = corrects(step) ? code(step).replace('page_index', 'page') : code(step);
    add({ type: 'node.started', step, nodeId: 'executor', kind: 'executor' });
    add({
      type: 'action.executed',
      step,
      nodeId: 'executor',
      code: executed,
      observation: observation(step, ok),
      ok,
      error: ok ? null : 'KeyError',
      apiCalls: [
        { app: 'notes', api: 'login', status: 200, durationMs: 3 },
        { app: 'notes', api: 'search_notes', status: ok ? 200 : 422, durationMs: 4 },
      ],
      durationMs: 60,
      completed: false,
    });
    add({
      type: 'node.finished',
      step,
      nodeId: 'executor',
      kind: 'executor',
      outcome: ok ? 'ran' : 'failed',
      durationMs: 65,
    });
    history.push(`${reply}\nObservation:\n${observation(step, ok)}`);
  }
  const totals: RunTotals = {
    steps,
    llmCalls,
    promptTokens: Object.values(byRole).reduce((n, r) => n + r.promptTokens, 0),
    completionTokens: Object.values(byRole).reduce((n, r) => n + r.completionTokens, 0),
    durationMs: bodies.reduce((n, b) => n + (b.body.type === 'node.finished' ? b.body.durationMs : b.ms), 0),
    byRole,
  };
  add({
    type: 'run.finished',
    status: 'failed',
    evaluation: {
      success: false,
      difficulty: 1,
      numTests: 2,
      passes: [{ requirement: 'no_extra_changes', label: 'made no other changes' }],
      failures: [
        {
          requirement: 'answer',
          label: 'replied with the appointment date',
          trace: 'expected 2026-03-14, got nothing',
        },
      ],
    },
    totals,
    error: `reached the step limit (${steps}) before the task was completed`,
  });

  let at = Date.now() - totals.durationMs;
  const events = bodies.map(({ body, ms }, i) => {
    at += body.type === 'node.finished' ? body.durationMs : ms;
    return { ...body, runId, seq: i + 1, at } as RunEvent;
  });
  return { events, totals };
}
