import type { Proposal, Proposer, SearchContext, TrialRecord } from './methods.ts';
import { proposerMessages } from './proposer-prompt.ts';

/** Sends the proposer's messages to its model and returns the reply's text. */
export type AskModel = (messages: { role: 'system' | 'user'; content: string }[]) => Promise<string>;

export interface ModelProposerOptions extends SearchContext {
  /** Lessons written in earlier rounds (a resumed search), oldest first. */
  lessons?: readonly string[];
}

const excerpt = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);

/**
 * The reply's JSON value, read tolerantly: the whole reply, else the first fenced block, else the text from the
 * first `{` to the last `}` (so leading prose or a thinking block does not matter).
 */
export function parseProposerReply(
  reply: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = reply.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
  const attempts = [text];
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(text);
  if (fenced) attempts.push(fenced[1]!.trim());
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) attempts.push(text.slice(start, end + 1));
  let error = 'the reply is empty';
  for (const attempt of attempts) {
    if (!attempt) continue;
    try {
      return { ok: true, value: JSON.parse(attempt) };
    } catch (cause) {
      error = (cause as Error).message;
    }
  }
  return { ok: false, error: `${error} (reply began ${excerpt(text)})` };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The AgentTTS-style proposer: a model that sees the roles, the knobs and their values, the budget rule with each
 * model's weights, the full history (allocation, dev score, measured compute, declared cost) and its own earlier
 * lessons, and answers with `count` allocations and a new lesson. A reply that cannot be read yields one proposal
 * marked `refused`; a failing `ask` throws (the endpoint's failure is the caller's to report).
 */
export class ModelProposer implements Proposer {
  private readonly lessonList: string[];

  constructor(
    private readonly ask: AskModel,
    private readonly context: ModelProposerOptions,
  ) {
    this.lessonList = [...(context.lessons ?? [])];
  }

  /** The lessons so far, oldest first (earlier rounds' and this proposer's). */
  get lessons(): readonly string[] {
    return this.lessonList;
  }

  /** The lesson of the last reply that wrote one; null before any. */
  get lastLesson(): string | null {
    return this.lessonList.at(-1) ?? null;
  }

  async next(history: readonly TrialRecord[], count: number): Promise<Proposal[]> {
    const reply = await this.ask(proposerMessages(this.context, history, this.lessonList, count));
    const parsed = parseProposerReply(reply);
    if (!parsed.ok) {
      return [{ allocation: null, refused: `the proposer's reply is not valid JSON: ${parsed.error}` }];
    }
    const value = parsed.value;
    if (isObject(value) && typeof value.lesson === 'string' && value.lesson.trim()) {
      this.lessonList.push(value.lesson.trim());
    }
    if (!isObject(value) || !Array.isArray(value.allocations)) {
      return [
        {
          allocation: null,
          refused: `the proposer's reply has no "allocations" list (reply began ${excerpt(reply)})`,
        },
      ];
    }
    return value.allocations.slice(0, count).map((item): Proposal => {
      if (!isObject(item)) return { allocation: item };
      const rationale = typeof item.reason === 'string' ? item.reason : undefined;
      return rationale ? { allocation: item.allocation, rationale } : { allocation: item.allocation };
    });
  }
}
