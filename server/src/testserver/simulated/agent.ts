import { confusedReply } from './confused.ts';
import { type AgentView, passwordIn, readAgentView, type SeenTurn, sameCode, tokenIn } from './context.ts';
import { draw, hexOf, pick } from './draw.ts';
import { applyMisuse, type MisuseKind, misuseOptions } from './misuse.ts';
import { type Credentials, marker, type Part, type Plan, planFor, renderPart } from './plan.ts';
import type { SimReply, SimRequest } from './request.ts';
import { placeTask } from './tasks.ts';

/** What the agent does this turn, before it is put into words. */
type Action =
  | { type: 'no_code'; style: 'prose' | 'fence'; part: Part }
  | { type: 'repeat'; code: string; stuck: boolean }
  | { type: 'part'; part: Part; code: string; why: Why }
  | { type: 'premature'; code: string };

type Why = 'next' | 'retry_fixed' | 'retry_same_mistake' | 'relogin' | 'fetch_passwords' | 'guessed';

type ErrorKind = 'misuse' | 'credential' | 'other';

/** How the last failure reads: a misused API, a bad credential, or something else. */
function errorKind(observation: string): ErrorKind {
  if (/invalid or expired|Invalid credentials/.test(observation)) return 'credential';
  if (/Invalid arguments for|requires an access_token|unknown parameter|must be at most/.test(observation)) {
    return 'misuse';
  }
  return 'other';
}

interface Turn {
  req: SimRequest;
  view: AgentView;
  plan: Plan;
  step: number;
  chance: (what: string) => number;
}

function nextPart(plan: Plan, done: Set<number>): Part {
  return plan.parts.find((p) => !done.has(p.number)) ?? plan.parts[plan.parts.length - 1]!;
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .at(-1) ?? ''
  ).slice(0, 300);
}

/**
 * Credentials for a part, from what the agent can recall. A missing one is guessed (at the artifact-guess rate)
 * or fetched again first: the login part for a token, the passwords part for a password.
 */
function credentialsFor(
  t: Turn,
  part: Part,
): { credentials: Credentials; instead: Part | null; guessed: boolean } {
  const { plan, view, req } = t;
  const email = view.first.includes(plan.task.supervisor.email)
    ? plan.task.supervisor.email
    : 'me@example.com';
  const credentials: Credentials = { email, tokens: {}, passwords: {} };
  const loginPart = plan.parts.find((p) => p.kind === 'login');
  const passwordsPart = plan.parts.find((p) => p.kind === 'passwords');
  const guess = (app: string, what: string) =>
    `${what === 'token' ? `${app}.` : ''}${hexOf(what === 'token' ? 24 : 10, req.seed, plan.task.id, app, what)}`;
  let guessed = false;
  const needed: ['token' | 'password', string][] =
    part.kind === 'login'
      ? plan.loginApps.map((app) => ['password', app])
      : part.tokenApps.map((app) => ['token', app]);
  for (const [what, app] of needed) {
    const found = what === 'token' ? tokenIn(view.recalled, app) : passwordIn(view.recalled, app);
    if (found) {
      (what === 'token' ? credentials.tokens : credentials.passwords)[app] = found;
      continue;
    }
    if (t.chance(`guess-${what}-${app}`) < req.preset.rates.artifactGuess) {
      (what === 'token' ? credentials.tokens : credentials.passwords)[app] = guess(app, what);
      guessed = true;
      continue;
    }
    const instead = what === 'token' ? loginPart : passwordsPart;
    if (instead && instead !== part) return { credentials, instead, guessed: false };
  }
  return { credentials, instead: null, guessed };
}

/** The part rendered with what the agent recalls, or the part it must redo first to get a credential back. */
function writePart(t: Turn, part: Part, why: Why, mistakes: boolean): Action {
  const { credentials, instead, guessed } = credentialsFor(t, part);
  if (instead)
    return writePart(t, instead, instead.kind === 'login' ? 'relogin' : 'fetch_passwords', mistakes);
  let code = renderPart(t.plan, part, credentials);
  if (mistakes && part.kind !== 'login') {
    const options = misuseOptions(code);
    if (options.length > 0 && t.chance('misuse') < t.req.preset.rates.apiMisuse) {
      const kind: MisuseKind = pick(options, t.req.seed, t.plan.task.id, t.step, 'misuse-kind');
      code = applyMisuse(code, kind, t.req.seed, t.plan.task.id, t.step);
    }
  }
  return { type: 'part', part, code, why: guessed ? 'guessed' : why };
}

/** The same failing code with a debugging line added: the mistake is kept, the code is not identical. */
function sameMistake(code: string): string {
  const lines = code.split('\n');
  const at = lines[0]?.startsWith('#') ? 1 : 0;
  if (lines[at]?.startsWith('print("Trying again')) return code;
  lines.splice(at, 0, 'print("Trying again with the same approach.")');
  return lines.join('\n');
}

function afterFailure(t: Turn, last: SeenTurn, part: Part): Action | null {
  const rates = t.req.preset.rates;
  const kind = errorKind(last.observation);
  if (kind === 'credential') {
    if (t.chance('fix') < rates.agentFix) {
      const login = t.plan.parts.find((p) => p.kind === 'login');
      if (login && part.kind !== 'login') return writePart(t, login, 'relogin', true);
      const passwords = t.plan.parts.find((p) => p.kind === 'passwords');
      if (passwords) return writePart(t, passwords, 'fetch_passwords', true);
    }
    return null;
  }
  if (kind === 'misuse' && last.code !== null) {
    if (t.chance('fix') < rates.agentFix) return writePart(t, part, 'retry_fixed', false);
    return { type: 'part', part, code: sameMistake(last.code), why: 'retry_same_mistake' };
  }
  return null;
}

/**
 * The code it is stuck on: its last two turns with code ran the same code and failed, and nothing outside its own
 * history (a corrector's change, a reminder in an observation) has come in since. Turns without code in between
 * do not get it out.
 */
function repeating(turns: SeenTurn[]): string | null {
  const withCode = turns.filter((turn) => turn.code !== null);
  const [before, last] = withCode.slice(-2);
  if (!before || !last || !before.failed || !last.failed || !sameCode(before.code!, last.code!)) return null;
  const since = turns.slice(turns.indexOf(before) + 1);
  return since.some((turn) => turn.reminded) ? null : last.code;
}

function decide(t: Turn): Action {
  const { view, plan, req } = t;
  const rates = req.preset.rates;
  const last = view.turns.at(-1);
  const part = nextPart(plan, view.done);

  // A reminder that names its replies without code (the loop-breaker's) is followed: this turn has code.
  if (!last?.reminded) {
    const streak = last?.noCode === true && t.chance('no-code-streak') < rates.noCodeStreak;
    if (streak || t.chance('no-code') < rates.noCode) {
      return { type: 'no_code', style: t.chance('no-code-style') < 0.5 ? 'prose' : 'fence', part };
    }
  }
  const loop = repeating(view.turns);
  if (loop !== null) return { type: 'repeat', code: loop, stuck: true };
  if (last?.failed && last.code !== null && t.chance('repeat') < rates.repeat) {
    return { type: 'repeat', code: last.code, stuck: false };
  }
  const started = [...view.done].some(
    (n) => plan.parts[n - 1]?.kind === 'login' || plan.parts[n - 1]?.kind === 'work',
  );
  if (part.kind !== 'complete' && started && t.chance('premature') < rates.premature) {
    const answer = plan.asks
      ? `answer=${JSON.stringify(pick(['unknown', '0', 'none'], req.seed, plan.task.id, t.step, 'answer'))}`
      : '';
    return { type: 'premature', code: `# The task looks done.\napis.supervisor.complete_task(${answer})` };
  }
  if (last?.failed && last.code !== null) {
    const action = afterFailure(t, last, part);
    if (action) return action;
  }
  return writePart(t, part, 'next', true);
}

function said(t: Turn, action: Action): SimReply {
  const verbose = t.req.preset.verbose;
  const last = t.view.turns.at(-1);
  const error = last?.failed && !last.noCode ? lastLine(last.observation) : null;
  const done = [...t.view.done].sort((a, b) => a - b);
  const thoughts: string[] = [
    `The task: ${t.plan.task.instruction}`,
    done.length > 0
      ? `Parts done so far: ${done.join(', ')} of ${t.plan.parts.length}.`
      : 'Nothing is done yet.',
  ];
  if (error) thoughts.push(`The last attempt failed: ${error}`);
  let content: string;
  switch (action.type) {
    case 'no_code':
      thoughts.push(`I should ${action.part.title}, but I am not sure which call to make.`);
      content =
        action.style === 'prose'
          ? `To ${action.part.title}, I first need to understand which API fits and what it returns. I will look at it more carefully before writing any code.`
          : `Here is what I will run to ${action.part.title}:\n\`\`\`python3\n${marker(t.plan, action.part)}\n${action.part.code}\n\`\`\``;
      break;
    case 'repeat':
      thoughts.push('That should have worked; I will run it again.');
      content = `Let me run this again.\n\`\`\`python\n${action.code}\n\`\`\``;
      break;
    case 'premature':
      thoughts.push('I think I have everything I need, so I can finish now.');
      content = `I have what I need; completing the task.\n\`\`\`python\n${action.code}\n\`\`\``;
      break;
    case 'part': {
      const intro: Record<Why, string> = {
        next: `Next I will ${action.part.title}.`,
        retry_fixed: `The error says what was wrong; fixing it and trying to ${action.part.title} again.`,
        retry_same_mistake: `Trying to ${action.part.title} again.`,
        relogin: 'The access token did not work; logging in again to get a fresh one.',
        fetch_passwords: 'I need the account passwords again before I can log in.',
        guessed: `Next I will ${action.part.title}, with the access token from before.`,
      };
      thoughts.push(intro[action.why]);
      content = `${intro[action.why]}\n\`\`\`python\n${action.code}\n\`\`\``;
      if (verbose) content += '\nI print the result so I can check it before the next step.';
      break;
    }
  }
  if (verbose) {
    thoughts.push(
      'I should read the docs before calling an API, pass the access token to every call that needs one, and page through lists until a page comes back empty.',
    );
  }
  return t.req.thinking ? { content, reasoning: thoughts.join(' ') } : { content };
}

/**
 * The simulated agent: places the task from its prompt, finds its progress and what it can recall there, and
 * writes the next part of the reference solution, making the mistakes its preset's rates draw.
 */
export function agentReply(req: SimRequest): SimReply {
  const view = readAgentView(req.messages, req.preset);
  const step = req.step ?? view.summarizedSteps + view.turns.length + 1;
  const task = placeTask(view.first);
  if (!task) return confusedReply(req, view, step);
  const plan = planFor(task);
  const t: Turn = {
    req,
    view,
    plan,
    step,
    chance: (what) => draw(req.seed, task.id, step, 'agent', what),
  };
  return said(t, decide(t));
}
