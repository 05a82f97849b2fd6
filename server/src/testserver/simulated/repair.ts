import { type Call, editDistance, findCalls, NEAR_NAMES, rewriteCall } from './calls.ts';
import { PAGING } from './misuse.ts';

/**
 * The corrector's reading of code against the API docs in its request: unknown argument names, a missing
 * access token, a page larger than the documented maximum. One rule per function; each fixes one call and the
 * check runs again on the result, until nothing is left that the docs cover.
 */

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

/** What the corrector found and the code it would run instead (null when the docs show no mistake). */
export interface Repair {
  code: string | null;
  findings: string[];
}

/** One rule's verdict on one call: what it found, and the code with that fixed (or null if it cannot fix it). */
type Verdict = { finding: string; code: string | null } | null;

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

/** An argument the docs do not list: renamed to the documented one it most resembles, else dropped. */
function unknownArgument(code: string, call: Call, doc: DocParams): Verdict {
  const names = new Set(doc.params.map((p) => p.name));
  const given = call.args.filter((a) => a.name).map((a) => a.name);
  const unknown = given.find((n) => !names.has(n));
  if (!unknown) return null;
  const api = `${call.app}.${call.api}`;
  const drop = () =>
    rewriteCall(
      code,
      call,
      call.args.filter((a) => a.name !== unknown),
    );
  if (unknown === 'access_token') return { finding: `${api} needs no access_token.`, code: drop() };
  const missing = doc.params.filter((p) => !given.includes(p.name) && !PAGING.has(p.name));
  const required = missing.filter((p) => p.required).map((p) => p.name);
  const fixed = closestName(unknown, required.length > 0 ? required : missing.map((p) => p.name));
  if (!fixed)
    return { finding: `${api} has no parameter '${unknown}'; the docs list no match for it.`, code: drop() };
  return {
    finding: `${api} has no parameter '${unknown}'; the docs call it '${fixed}'.`,
    code: rewriteCall(
      code,
      call,
      call.args.map((a) => (a.name === unknown ? { ...a, name: fixed } : a)),
    ),
  };
}

/** A required access token left out: the app's token from elsewhere in the code, if there is one. */
function missingToken(code: string, call: Call, doc: DocParams): Verdict {
  const needsToken = doc.params.some((p) => p.name === 'access_token' && p.required);
  if (!needsToken || call.args.some((a) => a.name === 'access_token')) return null;
  const assigned = new RegExp(`^\\s*${call.app}_token\\s*=`, 'm').test(code) ? `${call.app}_token` : null;
  const passed = findCalls(code)
    .filter((c) => c.app === call.app)
    .flatMap((c) => c.args.filter((a) => a.name === 'access_token').map((a) => a.value));
  const token = assigned ?? passed[0] ?? null;
  const api = `${call.app}.${call.api}`;
  if (!token)
    return { finding: `${api} needs an access_token, and the code has none for ${call.app}.`, code: null };
  return {
    finding: `${api} needs an access_token; pass the ${call.app} one.`,
    code: rewriteCall(code, call, [{ name: 'access_token', value: token }, ...call.args]),
  };
}

const ONE_PAGE = /^([ \t]*)(\w+) = apis\.(\w+)\.(\w+)\((.*?)page_limit=(\d+)\)$/m;

/** A page larger than the documented maximum: a loop over pages when the result is collected, else the maximum. */
function oversizedPage(code: string, call: Call, doc: DocParams): Verdict {
  const limit = doc.params.find((p) => p.name === 'page_limit')?.max;
  const asked = call.args.find((a) => a.name === 'page_limit');
  if (!limit || !asked || Number(asked.value) <= limit) return null;
  const finding = `${call.app}.${call.api} returns at most ${limit} items a page; loop over page_index until a page comes back empty.`;
  const statement = ONE_PAGE.exec(code);
  if (!statement || statement[3] !== call.app || statement[4] !== call.api) {
    return {
      finding,
      code: rewriteCall(
        code,
        call,
        call.args.map((a) => (a === asked ? { ...a, value: String(limit) } : a)),
      ),
    };
  }
  const [all, indent, target, app, api, args] = statement;
  const loop = [
    `${indent}${target} = []`,
    `${indent}page = 0`,
    `${indent}while True:`,
    `${indent}    batch = apis.${app}.${api}(${args}page_index=page, page_limit=${limit})`,
    `${indent}    if not batch:`,
    `${indent}        break`,
    `${indent}    ${target}.extend(batch)`,
    `${indent}    page += 1`,
  ].join('\n');
  return { finding, code: code.replace(all, loop) };
}

const RULES = [unknownArgument, missingToken, oversizedPage];

/** Checks every call against the docs and fixes what they cover: names, a missing token, oversized pages. */
export function repairFromDocs(source: string, docs: Map<string, DocParams>): Repair {
  const findings: string[] = [];
  const unfixable = new Set<string>();
  let code = source;
  for (let round = 0; round < 20; round++) {
    let fixed = false;
    for (const call of findCalls(code)) {
      const doc = docs.get(`${call.app}.${call.api}`);
      if (!doc) continue;
      for (const rule of RULES) {
        const verdict = rule(code, call, doc);
        if (!verdict) continue;
        if (verdict.code === null) {
          if (!unfixable.has(verdict.finding)) findings.push(verdict.finding);
          unfixable.add(verdict.finding);
          continue;
        }
        findings.push(verdict.finding);
        code = verdict.code;
        fixed = true;
        break;
      }
      if (fixed) break;
    }
    if (!fixed) break;
  }
  return { code: code === source ? null : code, findings };
}
