/** How an artifact fared in a summary: kept verbatim, put back by pinning, or lost. */
export type ArtifactFate = 'kept' | 'restored' | 'lost';

export interface Segment {
  text: string;
  fate: ArtifactFate | null;
}

/**
 * Splits text into plain runs and occurrences of the given artifacts, longest artifact first where two overlap,
 * so the views can mark each artifact where it appears.
 */
export function markArtifacts(text: string, artifacts: ReadonlyMap<string, ArtifactFate>): Segment[] {
  const needles = [...artifacts.keys()].filter((a) => a.length > 0).sort((a, b) => b.length - a.length);
  if (needles.length === 0 || text.length === 0) return text.length > 0 ? [{ text, fate: null }] : [];
  const segments: Segment[] = [];
  let plainFrom = 0;
  let i = 0;
  while (i < text.length) {
    const hit = needles.find((needle) => text.startsWith(needle, i));
    if (hit === undefined) {
      const next = nextCandidate(text, needles, i + 1);
      i = next;
      continue;
    }
    if (i > plainFrom) segments.push({ text: text.slice(plainFrom, i), fate: null });
    segments.push({ text: hit, fate: artifacts.get(hit) ?? null });
    i += hit.length;
    plainFrom = i;
  }
  if (plainFrom < text.length) segments.push({ text: text.slice(plainFrom), fate: null });
  return segments;
}

/** The next index at which any needle could start (jumps over text no artifact begins in). */
function nextCandidate(text: string, needles: readonly string[], from: number): number {
  let next = text.length;
  for (const needle of needles) {
    const at = text.indexOf(needle, from);
    if (at >= 0 && at < next) next = at;
  }
  return next;
}

/** The artifacts of a summary event, each with its fate; a lost one stays lost even if listed twice. */
export function artifactFates(event: {
  artifactsKept: readonly string[];
  artifactsRestored: readonly string[];
  artifactsLost: readonly string[];
}): Map<string, ArtifactFate> {
  const fates = new Map<string, ArtifactFate>();
  for (const a of event.artifactsKept) fates.set(a, 'kept');
  for (const a of event.artifactsRestored) fates.set(a, 'restored');
  for (const a of event.artifactsLost) fates.set(a, 'lost');
  return fates;
}
