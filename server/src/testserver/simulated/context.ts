import { countTokens } from '../script.ts';
import { partOfCode } from './plan.ts';
import type { SimulatedPreset } from './presets.ts';

/** One earlier turn as the agent's prompt shows it. */
export interface SeenTurn {
  reply: string;
  code: string | null;
  part: number | null;
  observation: string;
  failed: boolean;
  noCode: boolean;
  /** The observation carries a reminder about replies without code (the loop-breaker's). */
  reminded: boolean;
}

/** What the agent makes of its prompt. Everything here is read from the request; nothing is remembered. */
export interface AgentView {
  system: string;
  first: string;
  turns: SeenTurn[];
  summary: string | null;
  /** Parts done: succeeded in a visible turn (latest attempt) or ticked in the summary. */
  done: Set<number>;
  /** The last step the summary covers (0 without one). */
  summarizedSteps: number;
  /** The text it can use for credentials: all of a short prompt, only the recent part of a long one. */
  recalled: string;
  promptTokens: number;
}

export interface Message {
  role: string;
  content: string;
}

const FAILED = /Execution failed|Traceback \(most recent call last\)|TimeoutError:|Syntax error in line/;
const NO_CODE = /No code was found in your reply/;
const REMINDER = /contained no code|no code (?:twice|\d+ times)|in a row/i;
const SUMMARY = /^Summary of the work so far:\n?/;

/** The first python block of a reply, tolerant of a missing closing fence; null when there is none. */
export function codeOf(reply: string): string | null {
  const open = /```[ \t]*(?:python|py)[ \t]*\r?\n/i.exec(reply) ?? /```[ \t]*\r?\n/.exec(reply);
  if (!open) return null;
  const start = open.index + open[0].length;
  const end = reply.indexOf('```', start);
  const code = (end < 0 ? reply.slice(start) : reply.slice(start, end)).replace(/\s+$/, '');
  return code.trim() === '' ? null : code;
}

/** Code compared without comments and blank lines, as a repeat is judged. */
export function sameCode(a: string, b: string): boolean {
  const norm = (code: string) =>
    code
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean)
      .join('\n');
  return norm(a) === norm(b);
}

/** Parts ticked in a summary's progress list (`- [x] Part 3 of 7: …`). */
export function tickedParts(text: string): number[] {
  return [...text.matchAll(/^\s*- \[x\] Part (\d+) of \d+/gm)].map((m) => Number(m[1]));
}

/** The last step a summary says it covers (`Covers steps 1–12.`). */
export function coveredSteps(text: string): number {
  const m = /Covers steps? (?:\d+\s*[–-]\s*)?(\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

function observationOf(content: string): string {
  return content.replace(/^Output:\n?/, '');
}

/** Reads the agent's request: its turns, its progress, and what it can still recall. */
export function readAgentView(messages: Message[], preset: SimulatedPreset): AgentView {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const firstIndex = messages.findIndex((m) => m.role === 'user');
  const first = firstIndex >= 0 ? messages[firstIndex]!.content : '';
  const history = firstIndex >= 0 ? messages.slice(firstIndex + 1) : [];

  let summary: string | null = null;
  const turns: SeenTurn[] = [];
  for (let i = 0; i < history.length; i++) {
    const message = history[i]!;
    if (message.role === 'user' && SUMMARY.test(message.content)) {
      summary = message.content.replace(SUMMARY, '');
      continue;
    }
    if (message.role !== 'assistant') continue;
    const next = history[i + 1];
    if (
      summary !== null &&
      turns.length === 0 &&
      next?.role !== 'user' &&
      /^Understood/.test(message.content)
    ) {
      continue;
    }
    const observation = next?.role === 'user' ? observationOf(next.content) : '';
    if (next?.role === 'user') i++;
    const code = codeOf(message.content);
    const noCode = code === null || NO_CODE.test(observation);
    turns.push({
      reply: message.content,
      code,
      part: code ? partOfCode(code) : null,
      observation,
      failed: noCode || FAILED.test(observation),
      noCode,
      reminded: REMINDER.test(observation),
    });
  }

  const done = new Set(summary ? tickedParts(summary) : []);
  for (const turn of turns) {
    if (turn.part === null) continue;
    if (turn.failed) done.delete(turn.part);
    else done.add(turn.part);
  }

  const promptTokens = messages.reduce((n, m) => n + countTokens(m.content), 0);
  let recalled: string;
  if (promptTokens <= preset.attentionTokens) {
    recalled = messages.map((m) => m.content).join('\n');
  } else {
    const kept: string[] = [];
    let used = 0;
    for (let i = history.length - 1; i >= 0 && used < preset.recentTokens; i--) {
      kept.unshift(history[i]!.content);
      used += countTokens(history[i]!.content);
    }
    recalled = [system, first, ...kept].join('\n');
  }

  return {
    system,
    first,
    turns,
    summary,
    done,
    summarizedSteps: summary ? coveredSteps(summary) : 0,
    recalled,
    promptTokens,
  };
}

/**
 * The most recent access token for an app in a text (tokens look like `<app>.<24 hex digits>`): one the world
 * issued (a login's output, a summary's key facts) before one that only appears in code.
 */
export function tokenIn(text: string, app: string): string | null {
  const shape = `${app}\\.[0-9a-f]{24}`;
  const issued = [
    ...text.matchAll(new RegExp(`"access_token":\\s*"(${shape})"|\\b${app} access token: (${shape})`, 'g')),
  ];
  const last = issued.at(-1);
  if (last) return last[1] ?? last[2] ?? null;
  return [...text.matchAll(new RegExp(`\\b${shape}\\b`, 'g'))].at(-1)?.[0] ?? null;
}

/** The most recent password for an app in a text: a passwords listing, a summary line, or a login call. */
export function passwordIn(text: string, app: string): string | null {
  const patterns = [
    new RegExp(`"account_name":\\s*"${app}",\\s*"password":\\s*"([^"]+)"`, 'g'),
    new RegExp(`\\b${app} password: (\\S+)`, 'g'),
    new RegExp(`apis\\.${app}\\.login\\(username="[^"]*", password="([^"]+)"\\)`, 'g'),
  ];
  let best: { at: number; value: string } | null = null;
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      if (!best || m.index >= best.at) best = { at: m.index, value: m[1]! };
    }
  }
  return best?.value ?? null;
}
