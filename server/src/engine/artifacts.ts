/**
 * Artifacts are the exact strings later steps depend on: access tokens, passwords, emails, ids and literal values
 * the agent passed to APIs. The summarizer must keep them verbatim; losing one is the classic small-model failure.
 */
const PATTERNS: RegExp[] = [
  // "access_token": "…", "password": "…", "…_id": 12 / "…"
  /"(?:access_token|token|password|api_key)"\s*:\s*"([^"\s]{4,})"/g,
  /"(?:id|[a-z_]*_id)"\s*:\s*"?([A-Za-z0-9_-]{1,64})"?/g,
  // access_token="…" / password='…' in code
  /\b(?:access_token|password|token)\s*=\s*["']([^"'\s]{4,})["']/g,
  // emails anywhere
  /\b([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g,
];

/** Keyword-argument string literals in code: the values the agent actually used. */
const USED_LITERAL = /\b[a-z_]\w*\s*=\s*["']([^"'\n]{3,120})["']/g;

function add(out: Map<string, true>, value: string | undefined): void {
  if (!value) return;
  const v = value.trim();
  if (v.length < 3 || /^(true|false|none|null|success|fail)$/i.test(v)) return;
  out.delete(v);
  out.set(v, true);
}

export interface ArtifactSource {
  code: string | null;
  observation: string;
}

/** Artifacts in the given turns, most recent last, at most `limit` of them. */
export function collectArtifacts(turns: ArtifactSource[], limit = 60): string[] {
  const found = new Map<string, true>();
  for (const turn of turns) {
    for (const text of [turn.code ?? '', turn.observation]) {
      for (const pattern of PATTERNS) {
        for (const match of text.matchAll(pattern)) add(found, match[1]);
      }
    }
    if (turn.code) for (const match of turn.code.matchAll(USED_LITERAL)) add(found, match[1]);
  }
  const all = [...found.keys()];
  return all.slice(Math.max(0, all.length - limit));
}

/** Which artifacts a summary kept verbatim, and which it dropped. */
export function checkArtifacts(summary: string, artifacts: string[]): { kept: string[]; lost: string[] } {
  const kept: string[] = [];
  const lost: string[] = [];
  for (const artifact of artifacts) (summary.includes(artifact) ? kept : lost).push(artifact);
  return { kept, lost };
}
