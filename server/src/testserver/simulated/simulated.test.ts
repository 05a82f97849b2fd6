import { isScriptedTestModel, isSimulatedModel, SIMULATED_OWNER } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedWorld, listTasks } from '../../world/index.ts';
import { getTask } from '../../world/tasks/registry.ts';
import type { TestServer } from '../server.ts';
import { sameCode } from './context.ts';
import { correctorReply } from './corrector.ts';
import {
  NO_MISTAKES,
  parseRates,
  presetsByName,
  SIMULATED_PRESETS,
  startSimulatedServer,
  withRates,
} from './index.ts';
import { applyMisuse, type MisuseKind, misuseOptions } from './misuse.ts';
import { simulatedPersona } from './persona.ts';
import { planFor, renderPart } from './plan.ts';
import { readDocs, repairFromDocs } from './repair.ts';
import type { SimRequest } from './request.ts';
import { summarizerReply } from './summarizer.ts';

const SMALL = SIMULATED_PRESETS.small!;
const TASK = 'todo_summary_email_1';

function task(id: string) {
  const found = getTask(id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

/** The docs section of a corrector request, as the built-in environment writes it. */
function docsFor(code: string): string {
  const world = createSeedWorld('docs');
  const refs = [...new Set([...code.matchAll(/\bapis\.(\w+)\.(\w+)\s*\(/g)].map((m) => `${m[1]}.${m[2]}`))];
  return refs
    .map((ref) => {
      const [app, api] = ref.split('.');
      const doc = world.call('api_docs', 'show_api_doc', { app_name: app, api_name: api });
      return doc.status === 200 ? `${ref}:\n${JSON.stringify(doc.body, null, 2)}` : '';
    })
    .filter(Boolean)
    .join('\n\n');
}

function request(messages: SimRequest['messages'], rates: Partial<typeof SMALL.rates> = {}): SimRequest {
  return { messages, role: null, seed: 7, step: null, thinking: false, preset: withRates(SMALL, rates) };
}

async function chat(server: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'simulated-small', ...body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function contentOf(body: Record<string, unknown>): string {
  const choices = body.choices as { message: { content: string } }[];
  return choices[0]!.message.content;
}

const agentMessages = (instruction: string, email = 'nobody@example.com') => [
  {
    role: 'system',
    content: 'You are an agent that completes tasks for your supervisor by writing Python code.',
  },
  {
    role: 'user',
    content: `Supervisor: Ann Lee (${email}, 5550000000)\n\nTask: ${instruction}\n\nApps available:\n- notes`,
  },
];

describe('the simulated model as a server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSimulatedServer({ presets: presetsByName(['small', 'large']), timeScale: 0 });
  });
  afterAll(() => server.close());

  it('labels its models as simulated, by owner and id, apart from the scripted server', async () => {
    const response = await fetch(`${server.url}/models`);
    const body = (await response.json()) as { data: { id: string; owned_by: string }[] };
    expect(body.data.map((m) => [m.id, m.owned_by])).toEqual([
      ['simulated-small', SIMULATED_OWNER],
      ['simulated-large', SIMULATED_OWNER],
    ]);
    for (const m of body.data) {
      expect(isSimulatedModel({ ownedBy: m.owned_by, id: m.id })).toBe(true);
      expect(isScriptedTestModel({ ownedBy: m.owned_by })).toBe(false);
    }
    expect(isSimulatedModel('simulated-small')).toBe(true);
    expect(isSimulatedModel({ ownedBy: 'trellis-test-server', id: 'qwen3-8b' })).toBe(false);
    expect(isSimulatedModel({ id: 'qwen3-8b' })).toBe(false);
  });

  it('places a built-in task from the prompt and starts on its reference plan', async () => {
    const t = task(TASK);
    const { status, body } = await chat(server, {
      messages: agentMessages(t.instruction, t.supervisor.email),
    });
    expect(status).toBe(200);
    expect(contentOf(body)).toContain('# Part 1 of');
    expect(contentOf(body)).toContain('apis.supervisor.show_account_passwords()');
  });

  it('answers a task or request it cannot place with plausible code that fails, never an error', async () => {
    const messages = agentMessages('Book me a flight to Lisbon on the airline app.');
    const first = await chat(server, { messages });
    expect(first.status).toBe(200);
    expect(contentOf(first.body)).toMatch(/```python\n[\s\S]*apis\./);
    const later = [...messages];
    for (let i = 0; i < 3; i++) {
      later.push(
        { role: 'assistant', content: '```python\nprint(1)\n```' },
        { role: 'user', content: 'Output:\n1' },
      );
    }
    expect(contentOf((await chat(server, { messages: later })).body)).toContain('status="fail"');
    for (const odd of [
      [{ role: 'user', content: '' }],
      [
        { role: 'system', content: 'You compress' },
        { role: 'user', content: 'History to compress:\n### Step x' },
      ],
      [
        { role: 'system', content: 'You review one block of Python code' },
        { role: 'user', content: 'no code here' },
      ],
      [
        { role: 'tool', content: '{}' },
        { role: 'user', content: 'Task: ' },
      ],
    ]) {
      const reply = await chat(server, { messages: odd });
      expect(reply.status).toBe(200);
      expect(contentOf(reply.body).length).toBeGreaterThan(0);
    }
  });

  it('derives every answer from the request: the same request gets the same reply, the seed header steers it', async () => {
    const t = task(TASK);
    const history = [
      ...agentMessages(t.instruction, t.supervisor.email),
      { role: 'assistant', content: '```python\n# Part 1 of 10: find my account passwords\nprint(1)\n```' },
      { role: 'user', content: 'Output:\nExecution failed. Traceback:\nException: boom' },
    ];
    const replies = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const a = await chat(
        server,
        { messages: history },
        { 'x-trellis-seed': String(seed), 'x-trellis-step': '2' },
      );
      const b = await chat(
        server,
        { messages: history },
        { 'x-trellis-seed': String(seed), 'x-trellis-step': '2' },
      );
      expect(contentOf(a.body)).toBe(contentOf(b.body));
      replies.add(contentOf(a.body));
    }
    expect(replies.size).toBeGreaterThan(1);
  });

  it('reports cached prompt tokens for a repeated prefix and refuses a prompt past its context', async () => {
    const t = task(TASK);
    const messages = agentMessages(t.instruction, t.supervisor.email);
    await chat(server, { messages });
    const again = await chat(server, {
      messages: [...messages, { role: 'assistant', content: 'x' }, { role: 'user', content: 'Output:\nok' }],
    });
    const usage = again.body.usage as {
      prompt_tokens: number;
      prompt_tokens_details?: { cached_tokens: number };
    };
    expect(usage.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
    expect(usage.prompt_tokens_details!.cached_tokens).toBeLessThan(usage.prompt_tokens);

    const long = await chat(server, { messages: [{ role: 'user', content: 'word '.repeat(30_000) }] });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toMatch(/maximum context length is 32768 tokens/);
  });
});

describe('serving speed', () => {
  it('takes longer to the first token for a longer uncached prompt, and paces tokens at its speed', () => {
    const persona = simulatedPersona({ presets: [SMALL, SIMULATED_PRESETS.large!] });
    const ask = (model: string, promptTokens: number, cachedTokens = 0) =>
      persona.reply({
        model,
        messages: [{ role: 'user', content: 'hello' }],
        headers: {},
        body: {},
        enableThinking: false,
        promptTokens,
        cachedTokens,
      });
    const short = ask('simulated-small', 100);
    const long = ask('simulated-small', 12_000);
    const cached = ask('simulated-small', 12_000, 11_900);
    expect(long.firstTokenMs!).toBeGreaterThan(short.firstTokenMs! + 1000);
    expect(cached.firstTokenMs!).toBeCloseTo(short.firstTokenMs!, -1);
    expect(short.paceMs).toBeCloseTo(1000 / SMALL.tokensPerSecond);
    const large = ask('simulated-large', 100);
    expect(large.paceMs!).toBeGreaterThan(short.paceMs!);
    expect(large.firstTokenMs!).toBeGreaterThan(short.firstTokenMs!);
    expect(
      simulatedPersona({ presets: [SMALL], timeScale: 0 }).reply({ ...longRequest() }).firstTokenMs,
    ).toBe(0);
  });
});

function longRequest() {
  return {
    model: 'simulated-small',
    messages: [{ role: 'user', content: 'hello' }],
    headers: {},
    body: {},
    enableThinking: false,
    promptTokens: 5000,
    cachedTokens: 0,
  };
}

describe('presets and rates', () => {
  it('refuses an unknown preset and a bad rate with one line naming what was wrong', () => {
    expect(() => presetsByName(['tiny'])).toThrow(
      /^unknown simulated preset 'tiny'; expected one of small, large$/,
    );
    expect(() => parseRates(['apiMisuse=1.5'])).toThrow(
      /apiMisuse=1.5 is out of range; a rate is a number from 0 to 1/,
    );
    expect(() => parseRates(['repeat=-0.1'])).toThrow(/out of range/);
    expect(() => parseRates(['repeat=often'])).toThrow(/out of range/);
    expect(() => parseRates(['speed=1'])).toThrow(/unknown rate 'speed'; expected one of apiMisuse, /);
    expect(() => parseRates(['apiMisuse'])).toThrow(/must look like name=value/);
    expect(parseRates(['apiMisuse=0.5', 'repeat=0'])).toEqual({ apiMisuse: 0.5, repeat: 0 });
    expect(() => withRates(SMALL, { premature: 2 })).toThrow(/out of range/);
  });

  it('has a small model that errs more than a large one, which is slower and writes more', () => {
    const large = SIMULATED_PRESETS.large!;
    for (const name of [
      'apiMisuse',
      'repeat',
      'noCode',
      'premature',
      'artifactGuess',
      'summaryDrop',
    ] as const) {
      expect(SMALL.rates[name]).toBeGreaterThan(large.rates[name]);
    }
    expect(large.tokensPerSecond).toBeLessThan(SMALL.tokensPerSecond);
    expect(large.verbose && !SMALL.verbose).toBe(true);
  });
});

describe('plans and the corrector', () => {
  it('cuts every built-in task into parts that log in, read docs, act and complete', () => {
    for (const summary of listTasks()) {
      const plan = planFor(task(summary.id));
      expect(plan.parts.at(-1)?.kind).toBe('complete');
      const acts = plan.parts.filter((p) => p.kind === 'work' || p.kind === 'complete');
      expect(acts.some((p) => /\bapis\.(?!supervisor\b)\w+\.\w+\(/.test(p.code))).toBe(true);
      if (plan.loginApps.length > 0) expect(plan.parts[1]?.kind).toBe('login');
    }
  });

  it('repairs from the docs every API misuse it can make, in every work part of every task', () => {
    const kinds = new Set<MisuseKind>();
    for (const summary of listTasks()) {
      const plan = planFor(task(summary.id));
      const credentials = { email: 'a@b.co', tokens: {}, passwords: {} };
      for (const part of plan.parts.filter((p) => p.kind === 'work' || p.kind === 'complete')) {
        const code = renderPart(plan, part, credentials);
        for (const kind of misuseOptions(code)) {
          kinds.add(kind);
          const broken = applyMisuse(code, kind, 7, summary.id, part.number);
          expect(sameCode(broken, code), `${summary.id} part ${part.number} ${kind}`).toBe(false);
          const repair = repairFromDocs(broken, readDocs(docsFor(broken)));
          expect(repair.code, `${summary.id} part ${part.number} ${kind}\n${broken}`).not.toBeNull();
          expect(
            sameCode(repair.code!, code),
            `${summary.id} part ${part.number} ${kind}\n${repair.code}`,
          ).toBe(true);
        }
      }
    }
    expect([...kinds].sort()).toEqual(['missing_token', 'one_big_page', 'wrong_argument']);
  });

  it('answers NO CHANGE with a diagnosis when the docs do not cover the mistake (a guessed token)', () => {
    const code =
      'notes_token = "notes.000000000000000000000000"\nprint(apis.notes.search_notes(access_token=notes_token, query="x"))';
    const reply = correctorReply(
      request(
        [
          { role: 'system', content: 'You review one block of Python code' },
          {
            role: 'user',
            content: `Code:\n\`\`\`python\n${code}\n\`\`\`\n\nLast error or observation:\nException: Response status code is 401: {"message": "The access_token is invalid or expired for notes."}\n\nDocs of the APIs this code calls:\n${docsFor(code)}`,
          },
        ],
        { correctorFix: 1 },
      ),
    );
    expect(reply.content).toMatch(/^Diagnosis: the credential in the code is not valid/);
    expect(reply.content).toContain('NO CHANGE');
  });
});

describe('the summarizer', () => {
  const history = [
    '### Step 1\nAgent:\n```python\n# Part 1 of 6: find my account passwords\nprint(apis.supervisor.show_account_passwords())\n```\n\nOutput:\n[{"account_name": "notes", "password": "pw-123456"}]',
    '### Step 2\nAgent:\n```python\n# Part 2 of 6: log in to notes\nprint(apis.notes.login(username="a@b.co", password="pw-123456"))\n```\n\nOutput:\n{"access_token": "notes.0123456789abcdef01234567", "token_type": "Bearer"}',
    '### Step 3\nAgent:\n```python\n# Part 3 of 6: read the docs of the notes app\nprint(1)\n```\n\nOutput:\nExecution failed. Traceback:\nException: boom',
  ].join('\n\n');
  const messages = [
    { role: 'system', content: "You compress an agent's working history" },
    {
      role: 'user',
      content: `Task: Pin my note titled "X".\n\nHistory to compress:\n${history}\n\nThese values must appear verbatim in your summary:\n- pw-123456\n- notes.0123456789abcdef01234567`,
    },
  ];

  it('keeps the progress and the credentials when it drops nothing', () => {
    const { content } = summarizerReply(request(messages, { ...NO_MISTAKES, summaryDrop: 0 }));
    expect(content).toContain('Covers steps 1–3.');
    expect(content).toContain('- [x] Part 1 of 6: find my account passwords');
    expect(content).toContain('- [x] Part 2 of 6: log in to notes');
    expect(content).not.toContain('[x] Part 3');
    expect(content).toContain('- notes access token: notes.0123456789abcdef01234567');
    expect(content).toContain('- notes password: pw-123456');
    expect(content).toContain('- Step 3: Exception: boom');
  });

  it('leaves credentials out at its drop rate but never the progress', () => {
    const { content } = summarizerReply(request(messages, { summaryDrop: 1 }));
    expect(content).toContain('- [x] Part 2 of 6: log in to notes');
    expect(content).not.toContain('notes.0123456789abcdef01234567');
    expect(content).not.toContain('pw-123456');
  });
});
