/** Splits Qwen3-style `<think>…</think>` out of a reply (when the server had no reasoning parser). */
export function splitThinking(text: string): { answer: string; thinking: string } {
  const open = text.indexOf('<think>');
  if (open < 0) {
    // Some templates open the think block in the prompt, so only the closing tag appears.
    const close = text.indexOf('</think>');
    if (close < 0) return { answer: text, thinking: '' };
    return { answer: text.slice(close + 8).trimStart(), thinking: text.slice(0, close).trim() };
  }
  const close = text.indexOf('</think>', open);
  if (close < 0) return { answer: text.slice(0, open).trim(), thinking: text.slice(open + 7).trim() };
  return {
    answer: (text.slice(0, open) + text.slice(close + 8)).trim(),
    thinking: text.slice(open + 7, close).trim(),
  };
}

const FENCE = /```[ \t]*(python|py)?[ \t]*\r?\n/i;

/**
 * The first fenced Python block of a reply, tolerant of a missing closing fence (small models stop early).
 * An untagged fence counts when no python-tagged one exists. Null when there is no code.
 */
export function extractCode(reply: string): string | null {
  const tagged = /```[ \t]*(python|py)[ \t]*\r?\n/i.exec(reply);
  const start = tagged ?? FENCE.exec(reply);
  if (!start) return null;
  const bodyStart = start.index + start[0].length;
  const end = reply.indexOf('```', bodyStart);
  const code = (end < 0 ? reply.slice(bodyStart) : reply.slice(bodyStart, end)).replace(/\s+$/, '');
  return code.trim() === '' ? null : code;
}

/** Replaces the first code block of a reply with other code (what the corrector changed is what ran). */
export function replaceCode(reply: string, code: string): string {
  const start = /```[ \t]*(python|py)?[ \t]*\r?\n/i.exec(reply);
  if (!start) return `${reply}\n\`\`\`python\n${code}\n\`\`\``.trim();
  const bodyStart = start.index + start[0].length;
  const end = reply.indexOf('```', bodyStart);
  const tail = end < 0 ? '\n```' : reply.slice(end);
  return `${reply.slice(0, bodyStart)}${code}\n${tail.startsWith('\n') ? tail.slice(1) : tail}`;
}

/** The APIs a block of code calls, as `apis.<app>.<api>(` references, in first-use order. */
export function calledApis(code: string): { app: string; api: string }[] {
  const seen = new Set<string>();
  const refs: { app: string; api: string }[] = [];
  for (const match of code.matchAll(/\bapis\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\(/g)) {
    const key = `${match[1]}.${match[2]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push({ app: match[1]!, api: match[2]! });
  }
  return refs;
}

/** Whitespace-insensitive form, to spot an agent repeating the same code. */
export function normalizeCode(code: string): string {
  return code
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .join('\n');
}

/** A rough token count (about four characters a token for English and code). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
