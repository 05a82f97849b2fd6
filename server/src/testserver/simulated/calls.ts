/** Reading and rewriting `apis.<app>.<api>(k=v, …)` calls in Python source, one call at a time. */

export interface Call {
  app: string;
  api: string;
  /** Offsets of the whole call text `apis.…(…)` in the source. */
  start: number;
  end: number;
  args: { name: string; value: string }[];
}

/** Splits an argument list at top-level commas, respecting brackets and string literals. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      current += ch;
      if (ch === '\\') current += text[++i] ?? '';
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

/** The index just past the parenthesis that closes the one at `open`, or -1. */
function closing(source: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Every API call in the source, in order (calls inside another call's arguments included). */
export function findCalls(source: string): Call[] {
  const calls: Call[] = [];
  for (const m of source.matchAll(/\bapis\.(\w+)\.(\w+)\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const end = closing(source, open);
    if (end < 0) continue;
    const args = splitArgs(source.slice(open + 1, end - 1)).map((arg) => {
      const eq = /^(\w+)\s*=(?!=)\s*([\s\S]*)$/.exec(arg);
      return eq ? { name: eq[1]!, value: eq[2]! } : { name: '', value: arg };
    });
    calls.push({ app: m[1]!, api: m[2]!, start: m.index, end, args });
  }
  return calls;
}

/** The source with one call's arguments replaced. */
export function rewriteCall(source: string, call: Call, args: { name: string; value: string }[]): string {
  const text = `apis.${call.app}.${call.api}(${args.map((a) => (a.name ? `${a.name}=${a.value}` : a.value)).join(', ')})`;
  return source.slice(0, call.start) + text + source.slice(call.end);
}

/** The calls an agent's mistakes and a corrector's fixes are about: not docs, not the supervisor. */
export function appCalls(source: string): Call[] {
  return findCalls(source).filter((c) => c.app !== 'api_docs' && c.app !== 'supervisor' && c.api !== 'login');
}

/** Levenshtein distance, for matching a wrong argument name to the documented one. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Names small models reach for instead of the documented ones. */
export const NEAR_NAMES: Readonly<Record<string, string>> = {
  query: 'search',
  title: 'name',
  name: 'title',
  content: 'text',
  body: 'text',
  message: 'text',
  tags: 'labels',
  amount: 'value',
  recipients: 'to',
  subject: 'topic',
  description: 'note',
  priority: 'importance',
  due_date: 'due',
  due_before: 'before',
  phone_number: 'phone',
  directory_path: 'path',
  file_path: 'path',
  source_path: 'src',
  destination_path: 'dest',
  receiver_email: 'email',
  status: 'state',
  completed: 'done',
  sort_by: 'order_by',
  tag: 'label',
  artist_id: 'artist',
  project_id: 'project',
  relationship: 'relation',
};
