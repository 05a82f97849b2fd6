import { codeOf } from './context.ts';
import { draw } from './draw.ts';
import { readDocs, repairFromDocs } from './repair.ts';
import type { SimReply, SimRequest } from './request.ts';

function section(text: string, start: RegExp, end: RegExp | null): string {
  const from = start.exec(text);
  if (!from) return '';
  const rest = text.slice(from.index + from[0].length);
  const to = end ? end.exec(rest) : null;
  return (to ? rest.slice(0, to.index) : rest).trim();
}

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}

/** Why code failed when the docs show no mistake in it, as a reviewer would put it. */
function noDocMistake(error: string): string {
  if (/invalid or expired|Invalid credentials/.test(error)) {
    return 'the credential in the code is not valid; the docs cannot say which one to use, so the code must get it from a login.';
  }
  if (/No code was found|not executed yet/.test(error) || error.trim() === '') {
    return 'the calls match the docs.';
  }
  return 'the calls match the docs; the failure does not come from how the APIs are called.';
}

/**
 * The simulated corrector. Isolated like the real role: it knows only the code, the last error and the docs in
 * its request. It checks each call against those docs and, at the corrector-fix rate, returns the repaired code;
 * a mistake the docs do not cover (a guessed token) it cannot fix, and it never adds steps of its own.
 */
export function correctorReply(req: SimRequest): SimReply {
  const user = req.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const code = codeOf(section(user, /^Code:\n/m, /\n\nLast error or observation:\n/)) ?? codeOf(user);
  const error = section(user, /Last error or observation:\n/, /\n\nDocs of the APIs this code calls:\n/);
  const docs = readDocs(section(user, /Docs of the APIs this code calls:\n/, null));
  if (code === null) {
    return { content: 'Diagnosis: there is no code to review.\nNO CHANGE' };
  }
  const repair = repairFromDocs(code, docs);
  // Keyed by what it sees, not by the step: like the greedy corrector it plays (temperature 0), the same code
  // and error always get the same answer, so a loop resending identical code is not fixed by asking again.
  const fixes = draw(req.seed, hash(`${code}\n${error}`), 'corrector') < req.preset.rates.correctorFix;
  let content: string;
  if (repair.code !== null && fixes) {
    content = `Diagnosis: ${repair.findings.join(' ')}\n\`\`\`python\n${repair.code}\n\`\`\``;
  } else if (repair.code !== null) {
    content = `Diagnosis: ${noDocMistake(error)}\nNO CHANGE`;
  } else {
    const seen = repair.findings.length > 0 ? `${repair.findings.join(' ')} ` : '';
    content = `Diagnosis: ${seen}${noDocMistake(error)}\nNO CHANGE`;
  }
  if (req.preset.verbose) content = `${content}\n(Checked every call against the docs given.)`;
  return req.thinking
    ? { content, reasoning: `Checking ${docs.size} documented API(s) against the code and the error.` }
    : { content };
}
