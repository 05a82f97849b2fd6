import {
  agentKind,
  type ChatMessage,
  correctorKind,
  type RunEvent,
  type RunEventBody,
  type RunTotals,
  renderTemplate,
  summarizerKind,
} from '../shared/src/index.ts';

/**
 * A finished three-role run of a given size, shaped and sized like a real one: every step visits summarizer,
 * agent, corrector and executor with the three-roles preset's own prompts. The agent sees its system prompt, the
 * task with the app list and the history under the compressed policy, so its prompt grows turn by turn (several
 * KB to about 24 KB) until the summarizer fires at its default threshold (6,000 estimated tokens) and keeps the
 * last two turns; observations are printed API results of a few hundred bytes to about 3 KB, or tracebacks; the
 * corrector reviews the code after each failed execution with the docs of the APIs it calls; replies stream as
 * coalesced deltas, which take whatever is left of the event budget.
 */
export interface SyntheticRun {
  events: RunEvent[];
  totals: RunTotals;
}

const AGENT = agentKind.defaults();
const SUMMARIZER = summarizerKind.defaults();
const CORRECTOR = correctorKind.defaults();
const SUMMARIZER_THRESHOLD_TOKENS = 6_000;
const KEEP_LAST_TURNS = 2;
const INSTRUCTION =
  'Find the note about my dentist appointment, add its date to my calendar note, and reply with the date.';

const APPS = [
  'api_docs: Look up the apps, their APIs and how to call them.',
  'supervisor: Your supervisor: their profile, addresses, payment cards and account passwords.',
  'notes: A note-taking app: notebooks, notes with tags, search and sharing.',
  'mail: Email: inbox, threads, drafts, sending and attachments.',
  'phone: Phone: contacts, text messages, calls and alarms.',
  'todo: Task lists with due dates, priorities and completion.',
  'wallet: Payment cards, transactions and money transfers between users.',
  'music: A music library: songs, albums, playlists and the play queue.',
  'files: A file system: directories, files, reading, writing and moving.',
].join('\n');

const AGENT_USER = renderTemplate(AGENT.prompts.user, {
  'supervisor.name': 'Ada Byron',
  'supervisor.email': 'ada@example.com',
  'supervisor.phone': '5550142203',
  'task.datetime': '2026-03-02T09:30:00',
  'task.instruction': INSTRUCTION,
  api_docs: APPS,
});

const WORDS =
  'the of dentist appointment reschedule check confirm bring insurance card front desk morning afternoon remind week follow up clinic downtown parking floor suite pay copay new patient form'.split(
    ' ',
  );

/** Deterministic filler text of about `chars` characters. */
function prose(seed: number, chars: number): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const word = WORDS[(seed * 31 + i * 7 + (i >> 3)) % WORDS.length]!;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ');
}

function code(step: number): string {
  const page = step % 5;
  return [
    `passwords = {p["account_name"]: p["password"] for p in apis.supervisor.show_account_passwords()}`,
    `token = apis.notes.login(username="ada@example.com", password=passwords["notes"])["access_token"]`,
    'found = []',
    `page_index = ${page}`,
    'while True:',
    '    page = apis.notes.search_notes(access_token=token, query="dentist", page_index=page_index, page_limit=20)',
    '    if not page:',
    '        break',
    '    found.extend(page)',
    '    page_index += 1',
    'for note in found:',
    '    print(note["note_id"], note["title"], note["updated_at"])',
    `    print(apis.notes.show_note(access_token=token, note_id=note["note_id"])["content"][:${200 + step}])`,
  ].join('\n');
}

/** What the agent says before its code: a line or two of plan. */
function reply(step: number): string {
  return `Step ${step}: ${prose(step, 140 + (step % 4) * 60)}.\nI will page through the search results and read each note.\n\`\`\`python\n${code(step)}\n\`\`\``;
}

function note(step: number, i: number): string {
  const id = step * 100 + i;
  return [
    ' {',
    `  "note_id": ${id},`,
    `  "title": "Appointment ${i}: ${prose(id, 24)}",`,
    `  "content": "${prose(id + 1, 120 + ((id * 13) % 160))}",`,
    `  "tags": ["health", "${WORDS[id % WORDS.length]}"],`,
    `  "pinned": ${i % 3 === 0 ? 'true' : 'false'},`,
    `  "created_at": "2026-0${(i % 9) + 1}-1${i % 10}T08:1${i % 10}:00",`,
    `  "updated_at": "2026-0${(i % 9) + 1}-2${i % 10}T17:4${i % 10}:00"`,
    ' }',
  ].join('\n');
}

/** A printed page of search results (a few hundred bytes to about 3 KB), or a traceback. */
function observation(step: number, ok: boolean): string {
  if (!ok) {
    return [
      'Traceback (most recent call last):',
      '  File "<agent>", line 6, in <module>',
      '    page = apis.notes.search_notes(access_token=token, query="dentist", page_index=page_index, page_limit=20)',
      '  File "<apis>", line 1, in search_notes',
      `Exception: Response status code is 422:\n{"message": "Validation error. Reason: \\npage_limit: ensure this value is less than or equal to 10 (step ${step})"}`,
    ].join('\n');
  }
  const count = 1 + ((step * 7) % 8);
  return `[\n${Array.from({ length: count }, (_, i) => note(step, i)).join(',\n')}\n]`;
}

/** The docs of the two APIs the code calls, as the corrector sees them. */
function apiDocs(): string {
  const doc = (api: string, description: string, parameters: object[]) =>
    `notes.${api}:\n${JSON.stringify({ app_name: 'notes', api_name: api, description, requires_auth: api !== 'login', parameters, response_schemas: { success: [{ note_id: 1, title: 'string', updated_at: 'string' }], failure: { message: 'string' } } }, null, 2)}`;
  const param = (name: string, type: string, description: string, constraints: string[] = []) => ({
    name,
    type,
    required: name !== 'page_index' && name !== 'page_limit',
    description,
    default: null,
    constraints,
  });
  return [
    doc('login', 'Log in to your notes account and get an access token.', [
      param('username', 'string', 'Your account email.', ['an email address']),
      param('password', 'string', 'Your account password.'),
    ]),
    doc('search_notes', 'Search your notes by a query over titles and contents, newest first.', [
      param('access_token', 'string', 'Access token from notes.login.'),
      param('query', 'string', 'The words to search for.', ['length >= 1']),
      param('page_index', 'integer', 'The page to return.', ['value >= 0']),
      param('page_limit', 'integer', 'Results per page.', ['value >= 1', 'value <= 10']),
    ]),
  ].join('\n\n');
}

/** Splits `text` into `parts` fragments (the last may be empty when the text is short). */
function fragments(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size));
}

interface Turn {
  step: number;
  reply: string;
  observation: string;
}

const tokens = (text: string) => Math.ceil(text.length / 4);
const turnMessages = (turns: Turn[]): ChatMessage[] =>
  turns.flatMap((t) => [
    { role: 'assistant' as const, content: t.reply },
    { role: 'user' as const, content: `Output:\n${t.observation}` },
  ]);
const renderTurns = (turns: Turn[]) =>
  turns.map((t) => `### Step ${t.step}\nAgent:\n${t.reply}\n\nOutput:\n${t.observation}`).join('\n\n');

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
  const failed = (step: number) => step % 3 === 2;
  const corrects = (step: number) => step > 1 && failed(step - 1);

  // The conversation, walked once without events to count the summaries, so the deltas fill the event budget.
  const summarizesAt = new Set<number>();
  {
    let kept: Turn[] = [];
    let summary = '';
    for (let step = 1; step <= steps; step++) {
      if (
        tokens(summary + renderTurns(kept)) > SUMMARIZER_THRESHOLD_TOKENS &&
        kept.length > KEEP_LAST_TURNS
      ) {
        summarizesAt.add(step);
        summary = 'x'.repeat(1_200);
        kept = kept.slice(-KEEP_LAST_TURNS);
      }
      kept.push({ step, reply: reply(step), observation: observation(step, !failed(step)) });
    }
  }
  let fixedTotal = 2;
  for (let s = 1; s <= steps; s++)
    fixedTotal += 1 + 2 + (summarizesAt.has(s) ? 6 : 0) + 4 + 2 + (corrects(s) ? 5 : 0) + 3;
  const deltaBudget = Math.max(steps, targetEvents - fixedTotal);

  let turns: Turn[] = [];
  let summary: string | null = null;
  let call = 0;
  add({
    type: 'run.started',
    graphVersionId,
    graphName: 'Three roles',
    taskId: 'notes_lookup_1',
    instruction: INSTRUCTION,
    endpoints: [{ id: 'ep_local', name: 'local vllm', baseUrl: 'http://127.0.0.1:8000/v1', kind: 'vllm' }],
    seed: 7,
    maxSteps: steps,
  });
  for (let step = 1; step <= steps; step++) {
    add({ type: 'step.started', step });
    add({ type: 'node.started', step, nodeId: 'summarizer', kind: 'summarizer' });
    const context = tokens((summary ?? '') + renderTurns(turns));
    if (summarizesAt.has(step)) {
      const callId = `call_${++call}`;
      const compressed = turns.slice(0, -KEEP_LAST_TURNS);
      const input = renderTurns(compressed);
      const password = `pw-${(step - 1) % 7}`;
      const text = `## Progress\nSearched the notes ${step} times; ${prose(step, 500)}.\n## Key facts\n- login as ada@example.com with ${password}\n- access token tok_${step}a9f3\n## Failures seen\n- page_limit above 10 is rejected\n## Next actions\n${prose(step + 3, 400)}`;
      const messages: ChatMessage[] = [
        { role: 'system', content: SUMMARIZER.prompts.system },
        {
          role: 'user',
          content: renderTemplate(SUMMARIZER.prompts.user, {
            'task.instruction': INSTRUCTION,
            history: input,
            pinned_artifacts: `ada@example.com\n${password}\ntok_${step}a9f3`,
          }),
        },
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
      for (const part of fragments(text, 3))
        add({ type: 'llm.delta', step, nodeId: 'summarizer', callId, text: part, reasoning: '' }, 30);
      const promptTokens = tokens(messages.map((m) => m.content).join(''));
      add({
        type: 'llm.response',
        step,
        nodeId: 'summarizer',
        role: 'summarizer',
        callId,
        text,
        reasoning: '',
        usage: { promptTokens, completionTokens: tokens(text), totalTokens: promptTokens + tokens(text) },
        ttftMs: 180,
        latencyMs: 4_200,
        finishReason: 'stop',
        error: null,
      });
      charge('summarizer', promptTokens, tokens(text), 4_200);
      add({
        type: 'summary.applied',
        step,
        nodeId: 'summarizer',
        tokensBefore: context,
        tokensAfter: tokens(text + renderTurns(turns.slice(-KEEP_LAST_TURNS))),
        turnsCompressed: compressed.length,
        input,
        summary: text,
        artifactsKept: [password, `tok_${step}a9f3`],
        artifactsRestored: step % 2 === 0 ? ['ada@example.com'] : [],
        artifactsLost: [],
      });
      summary = text;
      turns = turns.slice(-KEEP_LAST_TURNS);
    }
    add({
      type: 'node.finished',
      step,
      nodeId: 'summarizer',
      kind: 'summarizer',
      outcome: summarizesAt.has(step) ? 'ran' : 'skipped',
      durationMs: summarizesAt.has(step) ? 4_220 : 1,
      ...(summarizesAt.has(step)
        ? {}
        : {
            reason: `context ${context.toLocaleString('en-US')} ≤ ${SUMMARIZER_THRESHOLD_TOKENS.toLocaleString('en-US')} tokens`,
          }),
    });

    add({ type: 'node.started', step, nodeId: 'agent', kind: 'agent' });
    const agentCall = `call_${++call}`;
    const answer = reply(step);
    const messages: ChatMessage[] = [
      { role: 'system', content: AGENT.prompts.system },
      { role: 'user', content: AGENT_USER },
      ...(summary
        ? [
            { role: 'user' as const, content: `Summary of the work so far:\n${summary}` },
            { role: 'assistant' as const, content: 'Understood. I will continue from there.' },
          ]
        : []),
      ...turnMessages(turns),
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
      params: { temperature: 0.7, top_p: 0.8, top_k: 20, max_tokens: 1536 },
    });
    const deltas = Math.floor(deltaBudget / steps) + (step <= deltaBudget % steps ? 1 : 0);
    for (const text of fragments(answer, deltas))
      add({ type: 'llm.delta', step, nodeId: 'agent', callId: agentCall, text, reasoning: '' }, 30);
    const promptTokens = tokens(messages.map((m) => m.content).join(''));
    add({
      type: 'llm.response',
      step,
      nodeId: 'agent',
      role: 'agent',
      callId: agentCall,
      text: answer,
      reasoning: '',
      usage: { promptTokens, completionTokens: tokens(answer), totalTokens: promptTokens + tokens(answer) },
      ttftMs: 240,
      latencyMs: 6_100,
      finishReason: 'stop',
      error: null,
    });
    charge('agent', promptTokens, tokens(answer), 6_100);
    add({ type: 'node.finished', step, nodeId: 'agent', kind: 'agent', outcome: 'ran', durationMs: 6_130 });

    add({ type: 'node.started', step, nodeId: 'corrector', kind: 'corrector' });
    let executed = code(step);
    if (corrects(step)) {
      const callId = `call_${++call}`;
      const revised = executed.replace('page_limit=20', 'page_limit=10');
      const text = `Diagnosis: search_notes accepts at most 10 results per page.\n\`\`\`python\n${revised}\n\`\`\``;
      const values = { code: executed, error: observation(step - 1, false), api_docs: apiDocs() };
      const request: ChatMessage[] = [
        { role: 'system', content: renderTemplate(CORRECTOR.prompts.system, values) },
        { role: 'user', content: renderTemplate(CORRECTOR.prompts.user, values) },
      ];
      add({
        type: 'llm.request',
        step,
        nodeId: 'corrector',
        role: 'corrector',
        callId,
        endpointId: 'ep_local',
        model: 'qwen3-8b',
        messages: request,
        params: { temperature: 0 },
      });
      for (const part of fragments(text, 2))
        add({ type: 'llm.delta', step, nodeId: 'corrector', callId, text: part, reasoning: '' }, 30);
      const prompt = tokens(request.map((m) => m.content).join(''));
      add({
        type: 'llm.response',
        step,
        nodeId: 'corrector',
        role: 'corrector',
        callId,
        text,
        reasoning: '',
        usage: { promptTokens: prompt, completionTokens: tokens(text), totalTokens: prompt + tokens(text) },
        ttftMs: 150,
        latencyMs: 3_900,
        finishReason: 'stop',
        error: null,
      });
      charge('corrector', prompt, tokens(text), 3_900);
      add({
        type: 'correction',
        step,
        nodeId: 'corrector',
        reason: 'after_failure',
        codeBefore: executed,
        codeAfter: revised,
        changed: true,
        rationale: 'search_notes accepts at most 10 results per page.',
      });
      executed = revised;
    }
    add({
      type: 'node.finished',
      step,
      nodeId: 'corrector',
      kind: 'corrector',
      outcome: corrects(step) ? 'ran' : 'skipped',
      durationMs: corrects(step) ? 3_920 : 1,
      ...(corrects(step) ? {} : { reason: 'last execution succeeded' }),
    });

    const ok = !failed(step);
    const printed = observation(step, ok);
    add({ type: 'node.started', step, nodeId: 'executor', kind: 'executor' });
    add({
      type: 'action.executed',
      step,
      nodeId: 'executor',
      code: executed,
      observation: printed,
      ok,
      error: ok ? null : 'Exception: Response status code is 422',
      apiCalls: [
        { app: 'supervisor', api: 'show_account_passwords', status: 200, durationMs: 2 },
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
    turns.push({ step, reply: answer, observation: printed });
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
