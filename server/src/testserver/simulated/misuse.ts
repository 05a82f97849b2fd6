import { APPS } from '../../world/index.ts';
import { appCalls, NEAR_NAMES, rewriteCall } from './calls.ts';
import { pick } from './draw.ts';

/**
 * API misuse, the second failure mode: the agent breaks one call of otherwise right code (the corrector repairs
 * it from the API docs in its request, see repair.ts). Each mistake is one the docs cover and the world's error
 * names.
 */
export type MisuseKind = 'wrong_argument' | 'missing_token' | 'one_big_page';

/** Arguments a misuse leaves alone (the token has its own mistake; paging is the oversized page's). */
export const PAGING = new Set(['access_token', 'page_index', 'page_limit']);

/** `x = []; page = 0; while True: batch = apis…(…, page_index=page, page_limit=20) …` as one statement. */
const PAGING_LOOP =
  /^([ \t]*)(\w+) = \[\]\n\1page = 0\n\1while True:\n\1 {4}batch = apis\.(\w+)\.(\w+)\((.*?)page_index=page, page_limit=20\)\n\1 {4}if not batch:\n\1 {8}break\n\1 {4}\2\.extend\(batch\)\n\1 {4}page \+= 1$/m;

function documented(app: string, api: string): Set<string> | null {
  const found = APPS.get(app)?.apis.find((a) => a.name === api);
  if (!found) return null;
  return new Set([...Object.keys(found.params), ...(found.requiresAuth ? ['access_token'] : [])]);
}

/** A wrong name for an argument: one small models use, never a documented one. */
export function wrongName(name: string, valid: Set<string>): string {
  const candidates = [
    NEAR_NAMES[name],
    name.endsWith('_id') ? 'id' : undefined,
    name.includes('_') ? name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) : undefined,
    `${name}_value`,
  ];
  return candidates.find((c): c is string => c !== undefined && !valid.has(c)) ?? `${name}_value`;
}

/** The mistakes this code leaves room for. */
export function misuseOptions(code: string): MisuseKind[] {
  const calls = appCalls(code);
  const first = calls[0];
  const kinds: MisuseKind[] = [];
  if (first?.args.some((a) => a.name && !PAGING.has(a.name))) kinds.push('wrong_argument');
  if (first?.args.some((a) => a.name === 'access_token')) kinds.push('missing_token');
  if (PAGING_LOOP.test(code)) kinds.push('one_big_page');
  return kinds;
}

/** The code with one mistake of this kind in its first matching call. */
export function applyMisuse(code: string, kind: MisuseKind, ...key: (string | number)[]): string {
  if (kind === 'one_big_page') {
    return code.replace(
      PAGING_LOOP,
      (_all, indent: string, target: string, app: string, api: string, args: string) =>
        `${indent}${target} = apis.${app}.${api}(${args}page_limit=100)`,
    );
  }
  const call = appCalls(code)[0];
  if (!call) return code;
  if (kind === 'missing_token') {
    return rewriteCall(
      code,
      call,
      call.args.filter((a) => a.name !== 'access_token'),
    );
  }
  const named = call.args.filter((a) => a.name && !PAGING.has(a.name));
  if (named.length === 0) return code;
  const target = pick(named, ...key, 'argument');
  const valid = documented(call.app, call.api) ?? new Set();
  return rewriteCall(
    code,
    call,
    call.args.map((a) => (a === target ? { ...a, name: wrongName(a.name, valid) } : a)),
  );
}
