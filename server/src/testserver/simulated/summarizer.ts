import { codeOf, coveredSteps, tickedParts } from './context.ts';
import { draw } from './draw.ts';
import { marker, partOfCode, planFor } from './plan.ts';
import type { SimReply, SimRequest } from './request.ts';
import { placeTask } from './tasks.ts';

interface Step {
  number: number;
  reply: string;
  observation: string;
}

const FAILED = /Execution failed|No code was found|TimeoutError:/;

function section(text: string, start: RegExp, end: RegExp | null): string {
  const from = start.exec(text);
  if (!from) return '';
  const rest = text.slice(from.index + from[0].length);
  const to = end ? end.exec(rest) : null;
  return to ? rest.slice(0, to.index) : rest;
}

function stepsOf(history: string): Step[] {
  const heads = [...history.matchAll(/^### Step (\d+)\nAgent:\n/gm)];
  return heads.map((head, i) => {
    const body = history.slice(head.index + head[0].length, heads[i + 1]?.index ?? history.length);
    const split = body.indexOf('\n\nOutput:\n');
    return {
      number: Number(head[1]),
      reply: split < 0 ? body : body.slice(0, split),
      observation: split < 0 ? '' : body.slice(split + 10).trim(),
    };
  });
}

/** Credentials found in a text: access tokens by app (those the world issued first), passwords by app. */
function credentialsIn(
  text: string,
  observations: string,
): { tokens: Map<string, string>; passwords: Map<string, string> } {
  const tokens = new Map<string, string>();
  for (const source of [text, observations]) {
    for (const m of source.matchAll(/\b([a-z_]+)\.[0-9a-f]{24}\b/g)) tokens.set(m[1]!, m[0]);
  }
  const passwords = new Map<string, string>();
  for (const m of text.matchAll(/"account_name":\s*"(\w+)",\s*"password":\s*"([^"]+)"/g))
    passwords.set(m[1]!, m[2]!);
  for (const m of text.matchAll(/^- (\w+) password: (\S+)$/gm)) passwords.set(m[1]!, m[2]!);
  return { tokens, passwords };
}

/**
 * The simulated summarizer: a plausible summary in the sections the prompt asks for. Progress (which parts are
 * done) always survives; each credential, id or value it should keep is left out at the summary-drop rate, so a
 * summarizer that does not pin artifacts loses some, and one that pins gets them restored by Trellis.
 */
export function summarizerReply(req: SimRequest): SimReply {
  const user = req.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const instruction = /^Task:[ \t]*(.+)$/m.exec(user)?.[1]?.trim() ?? '';
  const history = section(user, /History to compress:\n/, /\n\nThese values must appear verbatim/) || user;
  const pinnedText = section(user, /These values must appear verbatim in your summary:\n/, null);
  const pinned = [...pinnedText.matchAll(/^- (.+)$/gm)].map((m) => m[1]!.trim());
  const earlier = section(history, /^Earlier summary:\n/m, /^### Step \d+/m);
  const steps = stepsOf(history);

  const task = placeTask(`Task: ${instruction}\n${history}`);
  const plan = task ? planFor(task) : null;
  const covered = Math.max(coveredSteps(earlier), ...steps.map((s) => s.number), 0);
  // Keyed by what it summarises, not by the step: like the greedy summarizer it plays (temperature 0), the same
  // history gets the same summary whether or not the request is labelled.
  const key = task?.id ?? instruction;
  const keep = (value: string) =>
    draw(req.seed, key, covered, 'summary-drop', value) >= req.preset.rates.summaryDrop;

  const done = new Map<number, string>();
  for (const line of earlier.split('\n')) {
    const n = tickedParts(line)[0];
    if (n !== undefined) done.set(n, line.replace(/^\s*- \[x\] /, '').trim());
  }
  const failures: string[] = [];
  for (const s of steps) {
    const code = codeOf(s.reply);
    const part = code ? partOfCode(code) : null;
    const failed = code === null || FAILED.test(s.observation);
    if (part !== null) {
      if (failed) done.delete(part);
      else done.set(part, code!.split('\n')[0]!.replace(/^#\s*/, ''));
    }
    if (failed) {
      const line =
        s.observation
          .split('\n')
          .filter((l) => l.trim() !== '')
          .at(-1) ?? 'no code';
      failures.push(`- Step ${s.number}: ${line.slice(0, 200)}`);
    }
  }

  const observations = steps.map((s) => s.observation).join('\n');
  const found = credentialsIn(`${earlier}\n${observations}`, observations);
  const facts: string[] = [];
  for (const [app, token] of found.tokens) if (keep(token)) facts.push(`- ${app} access token: ${token}`);
  for (const [app, password] of found.passwords)
    if (keep(password)) facts.push(`- ${app} password: ${password}`);
  const written = facts.join('\n');
  for (const value of pinned) {
    if (value === '(none)' || written.includes(value) || !keep(value)) continue;
    facts.push(`- ${value}`);
  }

  const ordered = [...done.entries()].sort((a, b) => a[0] - b[0]);
  const next = plan?.parts.find((p) => !done.has(p.number));
  const lines = [
    '## Progress',
    `Covers steps 1–${covered}.`,
    ...(ordered.length > 0 ? ordered.map(([, title]) => `- [x] ${title}`) : ['- Nothing is finished yet.']),
    '## Key facts',
    ...(facts.length > 0 ? facts : ['- None recorded.']),
    '## Failures seen',
    ...(failures.length > 0 ? failures.slice(-3) : ['- None.']),
    '## Next actions',
    next && plan ? `- ${marker(plan, next).replace(/^#\s*/, '')}` : '- Continue with the task.',
  ];
  if (req.preset.verbose) {
    lines.splice(
      2,
      0,
      'The agent has been working through the task one part at a time, checking each result.',
    );
  }
  const content = lines.join('\n');
  return req.thinking
    ? { content, reasoning: `Summarising ${steps.length} steps of work on: ${instruction || 'the task'}.` }
    : { content };
}
