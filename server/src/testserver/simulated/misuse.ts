import { APPS } from '../../world/index.ts';
import { appCalls, editDistance, findCalls, NEAR_NAMES, rewriteCall } from './calls.ts';
import { pick } from './draw.ts';

/**
 * API misuse, the second failure mode: the agent breaks one call of otherwise right code, and the corrector
 * repairs it from the API docs in its request. Each mistake is one the docs cover and the world's error names.
 */
export type MisuseKind = 'wrong_argument' | 'missing_token' | 'one_big_page';

const PAGING = new Set(['access_token', 'page_index', 'page_limit']);

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

/** One API's doc as the corrector reads it from its request. */
export interface DocParams {
  params: { name: string; required: boolean; max: number | null }[];
}

/** Reads `app.api:\n{json}` blocks (the docs section of a corrector request). */
export function readDocs(text: string): Map<string, DocParams> {
  const docs = new Map<string, DocParams>();
  const heads = [...text.matchAll(/^(\w+)\.(\w+):\n(?=\{)/gm)];
  heads.forEach((head, i) => {
    const from = head.index + head[0].length;
    const to = heads[i + 1]?.index ?? text.length;
    try {
      const doc = JSON.parse(text.slice(from, to).trim()) as {
        parameters?: { name?: unknown; required?: unknown; constraints?: unknown }[];
      };
      const params = (doc.parameters ?? []).map((p) => {
        const max = (Array.isArray(p.constraints) ? p.constraints : [])
          .map((c) => /^value <= (\d+)/.exec(String(c))?.[1])
          .find((v) => v !== undefined);
        return { name: String(p.name), required: p.required === true, max: max ? Number(max) : null };
      });
      docs.set(`${head[1]}.${head[2]}`, { params });
    } catch {
      // A doc that is not JSON is not one it can use.
    }
  });
  return docs;
}

function closestName(wrong: string, candidates: string[]): string | null {
  if (candidates.length === 0) return null;
  const scored = candidates.map((c) => ({
    c,
    score:
      NEAR_NAMES[c] === wrong || (wrong === 'id' && c.endsWith('_id'))
        ? -1
        : editDistance(wrong.toLowerCase(), c.replace(/_/g, '').toLowerCase()) / Math.max(c.length, 1),
  }));
  scored.sort((a, b) => a.score - b.score);
  return scored[0]!.c;
}

/** What the corrector found and the code it would run instead (null when the docs show no mistake). */
export interface Repair {
  code: string | null;
  findings: string[];
}

function tokenExpression(code: string, app: string, otherArgs: string[]): string | null {
  if (new RegExp(`^\\s*${app}_token\\s*=`, 'm').test(code)) return `${app}_token`;
  return otherArgs[0] ?? null;
}

/** Checks every call against the docs and fixes what they cover: names, a missing token, oversized pages. */
export function repairFromDocs(source: string, docs: Map<string, DocParams>): Repair {
  const findings: string[] = [];
  let code = source;
  const loop = /^([ \t]*)(\w+) = apis\.(\w+)\.(\w+)\((.*?)page_limit=(\d+)\)$/m;
  for (let guard = 0; guard < 20; guard++) {
    const calls = findCalls(code).filter((c) => docs.has(`${c.app}.${c.api}`));
    let changed = false;
    for (const call of calls) {
      const doc = docs.get(`${call.app}.${call.api}`)!;
      const names = new Set(doc.params.map((p) => p.name));
      const given = call.args.filter((a) => a.name).map((a) => a.name);
      const unknown = given.find((n) => !names.has(n));
      if (unknown) {
        const missing = doc.params.filter((p) => !given.includes(p.name) && !PAGING.has(p.name));
        const required = missing.filter((p) => p.required).map((p) => p.name);
        const fixed =
          unknown === 'access_token'
            ? null
            : closestName(unknown, required.length > 0 ? required : missing.map((p) => p.name));
        if (unknown === 'access_token') {
          findings.push(`${call.app}.${call.api} needs no access_token.`);
          code = rewriteCall(
            code,
            call,
            call.args.filter((a) => a.name !== unknown),
          );
        } else if (fixed) {
          findings.push(
            `${call.app}.${call.api} has no parameter '${unknown}'; the docs call it '${fixed}'.`,
          );
          code = rewriteCall(
            code,
            call,
            call.args.map((a) => (a.name === unknown ? { ...a, name: fixed } : a)),
          );
        } else {
          findings.push(
            `${call.app}.${call.api} has no parameter '${unknown}'; the docs list no match for it.`,
          );
          code = rewriteCall(
            code,
            call,
            call.args.filter((a) => a.name !== unknown),
          );
        }
        changed = true;
        break;
      }
      const needsToken = doc.params.some((p) => p.name === 'access_token' && p.required);
      if (needsToken && !given.includes('access_token')) {
        const others = findCalls(code)
          .filter((c) => c.app === call.app)
          .flatMap((c) => c.args.filter((a) => a.name === 'access_token').map((a) => a.value));
        const token = tokenExpression(code, call.app, others);
        if (token) {
          findings.push(`${call.app}.${call.api} needs an access_token; pass the ${call.app} one.`);
          code = rewriteCall(code, call, [{ name: 'access_token', value: token }, ...call.args]);
          changed = true;
          break;
        }
        findings.push(
          `${call.app}.${call.api} needs an access_token, and the code has none for ${call.app}.`,
        );
      }
      const limit = doc.params.find((p) => p.name === 'page_limit');
      const asked = call.args.find((a) => a.name === 'page_limit');
      if (limit?.max && asked && Number(asked.value) > limit.max) {
        findings.push(
          `${call.app}.${call.api} returns at most ${limit.max} items a page; loop over page_index until a page comes back empty.`,
        );
        const statement = loop.exec(code);
        if (statement && statement[3] === call.app && statement[4] === call.api) {
          const [all, indent, target, app, api, args] = statement;
          const body = [
            `${indent}${target} = []`,
            `${indent}page = 0`,
            `${indent}while True:`,
            `${indent}    batch = apis.${app}.${api}(${args}page_index=page, page_limit=${limit.max})`,
            `${indent}    if not batch:`,
            `${indent}        break`,
            `${indent}    ${target}.extend(batch)`,
            `${indent}    page += 1`,
          ].join('\n');
          code = code.replace(all, body);
        } else {
          code = rewriteCall(
            code,
            call,
            call.args.map((a) => (a === asked ? { ...a, value: String(limit.max) } : a)),
          );
        }
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return { code: code === source ? null : code, findings };
}
