import { z } from 'zod';

/** Ways the scripted server can misbehave, each one a failure real inference servers show. */
export const Fault = z.enum([
  /** HTTP 500 in the dialect's error shape, before any streaming. */
  'http_500',
  /** A `data:` line that is not JSON, after a couple of tokens. */
  'malformed_sse',
  /** An `{"error": …}` chunk after HTTP 200 and a couple of tokens. */
  'mid_stream_error',
  /** Headers and the role chunk, then silence until the client gives up. */
  'stall_before_first',
  /** A couple of tokens, then silence until the client gives up. */
  'stall_between',
  /** A couple of tokens, then the TCP connection is destroyed. */
  'drop_connection',
  /** The request is read but no response headers are ever sent. */
  'stall_headers',
]);
export type Fault = z.infer<typeof Fault>;

export const ScriptReply = z
  .object({
    content: z.string().optional(),
    reasoning: z.string().optional(),
    /** `finish_reason` of the last choice chunk; default `stop`. SGLang reports `abort`. */
    finishReason: z.string().nullable().optional(),
    /** vLLM's `stop_reason` (the stop string or token that ended the answer). */
    stopReason: z.union([z.string(), z.number()]).nullable().optional(),
    /** Overrides the counted usage; `false` sends none. */
    usage: z
      .union([
        z.literal(false),
        z
          .object({
            promptTokens: z.number().int().nonnegative(),
            completionTokens: z.number().int().nonnegative(),
            cachedTokens: z.number().int().nonnegative(),
            reasoningTokens: z.number().int().nonnegative(),
          })
          .partial(),
      ])
      .optional(),
    /** Delay before each token, in milliseconds. */
    paceMs: z.number().min(0).max(60_000).optional(),
    /** Delay before the first token (a prefill); with it, a reply that is not streamed also waits for its tokens. */
    firstTokenMs: z.number().min(0).max(600_000).optional(),
    fault: Fault.optional(),
    /** Answer with this HTTP error in the dialect's shape instead of streaming. */
    error: z
      .object({ status: z.number().int().min(400).max(599), message: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type ScriptReply = z.infer<typeof ScriptReply>;

export const ScriptEntry = z
  .object({
    /** Substring tests; all given must hold. */
    match: z
      .object({
        /** In the last user message. */
        contains: z.string().optional(),
        /** In the system prompt. */
        system: z.string().optional(),
        /** The requested model, exactly. */
        model: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Keep the entry for later requests instead of consuming it. */
    repeat: z.boolean().optional(),
    reply: ScriptReply,
  })
  .strict();
export type ScriptEntry = z.input<typeof ScriptEntry>;

const ScriptEntryList = z.array(ScriptEntry);

/** Validates one entry or a list of them, with errors that name the bad field. */
export function parseScript(value: unknown): { entries: ScriptEntry[] } | { error: z.ZodError } {
  const parsed = Array.isArray(value) ? ScriptEntryList.safeParse(value) : ScriptEntry.safeParse(value);
  if (!parsed.success) return { error: parsed.error };
  return { entries: Array.isArray(parsed.data) ? parsed.data : [parsed.data] };
}

export interface ChatInput {
  model: string;
  system: string;
  lastUser: string;
  enableThinking: boolean;
}

export function matches(entry: ScriptEntry, input: ChatInput): boolean {
  const match = entry.match;
  if (!match) return true;
  if (match.contains !== undefined && !input.lastUser.includes(match.contains)) return false;
  if (match.system !== undefined && !input.system.includes(match.system)) return false;
  if (match.model !== undefined && input.model !== match.model) return false;
  return true;
}

const DIRECTIVE = /#(fault|tokens|pace):(\S+)/g;

/**
 * The reply when nothing is scripted: derived from the last user message, so the same prompt always gets the
 * same answer. `#fault:<name>`, `#tokens:<n>` and `#pace:<ms>` in the message steer it from a browser.
 */
export function defaultReply(input: ChatInput): ScriptReply {
  const reply: ScriptReply = {};
  let tokens: number | null = null;
  for (const [, name, value] of input.lastUser.matchAll(DIRECTIVE)) {
    if (name === 'fault') {
      const fault = Fault.safeParse(value);
      if (fault.success) reply.fault = fault.data;
    } else if (name === 'tokens') {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0) tokens = Math.min(n, 1_000_000);
    } else if (name === 'pace') {
      const ms = Number(value);
      if (Number.isFinite(ms) && ms >= 0) reply.paceMs = Math.min(ms, 60_000);
    }
  }
  const said = input.lastUser.replace(DIRECTIVE, '').replace(/\s+/g, ' ').trim();
  if (tokens !== null) {
    const words = said === '' ? ['token'] : said.split(' ');
    reply.content = Array.from({ length: tokens }, (_, i) => words[i % words.length]).join(' ');
  } else {
    reply.content = said === '' ? 'You said nothing.' : `You said: ${said}`;
  }
  if (input.enableThinking) {
    reply.reasoning = `The user wrote ${said.length} characters. I will repeat them back.`;
  }
  return reply;
}

/** Splits text into token-like pieces (a word with the whitespace before it) that join back to the text. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** A rough prompt size, for usage and the simulated prefix cache. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
