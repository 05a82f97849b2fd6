import type { WorldTask } from '@trellis/shared';

/**
 * How the simulated agent works through a built-in task: the task's reference solution, cut into the parts a
 * ReAct agent would take one turn each for — read the docs, show the passwords, log in, look things up and act
 * (one API statement per part, printing what it looked up), complete. Credentials are not carried in variables
 * from the solution's preamble: each part that needs an access token assigns it as a literal copied from the
 * context, as small models do, which is what makes losing it from the context matter.
 */
export type PartKind = 'docs' | 'passwords' | 'login' | 'work' | 'complete';

export interface Part {
  /** 1-based. */
  number: number;
  kind: PartKind;
  title: string;
  /** The part's code without its marker comment and credential lines; may use `<app>_token` variables. */
  code: string;
  /** Apps whose `<app>_token` the code uses. */
  tokenApps: string[];
}

export interface Plan {
  task: WorldTask;
  /** Apps it logs in to. */
  loginApps: string[];
  parts: Part[];
  /** Whether the task asks a question (its completion carries an answer). */
  asks: boolean;
}

/** What a part's code needs from the context: access tokens and passwords by app, and the supervisor's email. */
export interface Credentials {
  email: string;
  tokens: Record<string, string>;
  passwords: Record<string, string>;
}

const LOGIN_LINE = /^(\w+)_token = apis\.(\w+)\.login\(/;
const PREAMBLE = [/^passwords = /, /^email = apis\.supervisor\.show_profile\(\)/, LOGIN_LINE];
const COMPLETE = /^apis\.supervisor\.complete_task\(/;
const API_CALL = /\bapis\.(\w+)\.(\w+)\s*\(/g;

/** Top-level statements: a line at column 0 starts one; indented lines belong to the one before. */
function statements(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && out.length > 0) out[out.length - 1] += `\n${line}`;
    else out.push(line);
  }
  return out;
}

function callsApi(statement: string): boolean {
  return [...statement.matchAll(API_CALL)].some((m) => m[1] !== 'supervisor');
}

function apisOf(code: string): { app: string; api: string }[] {
  const seen = new Set<string>();
  const out: { app: string; api: string }[] = [];
  for (const m of code.matchAll(API_CALL)) {
    const key = `${m[1]}.${m[2]}`;
    if (m[1] === 'supervisor' || m[1] === 'api_docs' || seen.has(key)) continue;
    seen.add(key);
    out.push({ app: m[1]!, api: m[2]! });
  }
  return out;
}

function tokenAppsOf(code: string, loginApps: string[]): string[] {
  return loginApps.filter((app) => new RegExp(`\\b${app}_token\\b`).test(code));
}

/** The variable a statement leaves its result in: `x = …`, or a paging loop's `x.extend(batch)`. */
function resultOf(statement: string): string | null {
  const assigned = /^(\w+)\s*=(?!=)/.exec(statement)?.[1];
  if (assigned) return assigned;
  return /^while True:[\s\S]*\n\s+(\w+)\.extend\(batch\)/.exec(statement)?.[1] ?? null;
}

/** Groups the body: leading plain statements join the next API statement; trailing ones join the last group. */
function groups(body: string[]): string[][] {
  const out: string[][] = [];
  let pending: string[] = [];
  for (const statement of body) {
    pending.push(statement);
    if (callsApi(statement)) {
      out.push(pending);
      pending = [];
    }
  }
  if (pending.length > 0) {
    if (out.length > 0) out[out.length - 1]!.push(...pending);
    else out.push(pending);
  }
  return out;
}

function workTitle(group: string[]): string {
  const api = apisOf(group.join('\n'))[0];
  const last = group[group.length - 1]!;
  const result = resultOf(last);
  const via = api ? ` with ${api.app}.${api.api}` : '';
  if (result) return `look up ${result.replace(/_/g, ' ')}${via}`;
  return api ? `call ${api.app}.${api.api}` : 'compute the result';
}

const plans = new Map<string, Plan>();

/** The plan for a task, derived from its reference solution (cached by task id). */
export function planFor(task: WorldTask): Plan {
  const cached = plans.get(task.id);
  if (cached) return cached;
  const lines = statements(task.solution);
  const imports = lines.filter((s) => /^(import|from) /.test(s));
  const loginApps = lines.flatMap((s) => {
    const m = LOGIN_LINE.exec(s);
    return m ? [m[2]!] : [];
  });
  const rest = lines.filter((s) => !imports.includes(s) && !PREAMBLE.some((p) => p.test(s)));
  const completeIndex = rest.findIndex((s) => COMPLETE.test(s));
  const complete = completeIndex >= 0 ? rest[completeIndex]! : 'apis.supervisor.complete_task()';
  const body = rest.filter((_, i) => i !== completeIndex);

  const drafts: Omit<Part, 'number'>[] = [];
  if (loginApps.length > 0) {
    drafts.push({
      kind: 'passwords',
      title: 'find my account passwords',
      code: 'print(apis.supervisor.show_account_passwords())',
      tokenApps: [],
    });
    drafts.push({ kind: 'login', title: `log in to ${loginApps.join(' and ')}`, code: '', tokenApps: [] });
  }
  // Before a part first uses an app, a turn reads the docs of every API of that app, as the agent's prompt tells
  // it to read docs (eagerly, as small models do). These long observations are what fill a context.
  const documented = new Set<string>();
  const readDocs = (code: string) => {
    const apps = [...new Set(apisOf(code).map((a) => a.app))].filter((app) => !documented.has(app));
    for (const app of apps) {
      documented.add(app);
      drafts.push({
        kind: 'docs',
        title: `read the docs of the ${app} app`,
        code: [
          `for api in apis.api_docs.show_api_descriptions(app_name=${JSON.stringify(app)}):`,
          `    print(apis.api_docs.show_api_doc(app_name=${JSON.stringify(app)}, api_name=api["name"]))`,
        ].join('\n'),
        tokenApps: [],
      });
    }
  };
  groups(body).forEach((group, i) => {
    const result = resultOf(group[group.length - 1]!);
    const code = [...(i === 0 ? imports : []), ...group, ...(result ? [`print(${result})`] : [])].join('\n');
    readDocs(code);
    drafts.push({ kind: 'work', title: workTitle(group), code, tokenApps: tokenAppsOf(code, loginApps) });
  });
  readDocs(complete);
  drafts.push({
    kind: 'complete',
    title: 'complete the task',
    code: complete,
    tokenApps: tokenAppsOf(complete, loginApps),
  });

  const plan: Plan = {
    task,
    loginApps,
    parts: drafts.map((d, i) => ({ ...d, number: i + 1 })),
    asks: /complete_task\(\s*answer=/.test(complete),
  };
  plans.set(task.id, plan);
  return plan;
}

/** The comment that opens a part's code; the agent finds its progress by these. */
export function marker(plan: Plan, part: Part): string {
  return `# Part ${part.number} of ${plan.parts.length}: ${part.title}`;
}

/** The part a block of code is, from its marker comment. */
export function partOfCode(code: string): number | null {
  const m = /^\s*# Part (\d+) of \d+:/m.exec(code);
  return m ? Number(m[1]) : null;
}

/** A part's code with its marker, with credentials written in as literals. */
export function renderPart(plan: Plan, part: Part, credentials: Credentials): string {
  const lines = [marker(plan, part)];
  if (part.kind === 'login') {
    for (const app of plan.loginApps) {
      const username = JSON.stringify(credentials.email);
      const password = JSON.stringify(credentials.passwords[app] ?? '');
      lines.push(`print(apis.${app}.login(username=${username}, password=${password}))`);
    }
    return lines.join('\n');
  }
  for (const app of part.tokenApps) {
    lines.push(`${app}_token = ${JSON.stringify(credentials.tokens[app] ?? '')}`);
  }
  lines.push(part.code);
  return lines.join('\n');
}
