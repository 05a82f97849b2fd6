/** How much of a big payload (prompt, output, observation) the trace shows before "show all". */
export interface ClipLimits {
  chars: number;
  lines: number;
}

export const TRACE_LIMITS: ClipLimits = { chars: 1_200, lines: 16 };
/** Executed code in the trace: the agent's reply above usually shows it already. */
export const CODE_LIMITS: ClipLimits = { chars: 1_200, lines: 10 };
export const PANEL_LIMITS: ClipLimits = { chars: 20_000, lines: 400 };

export interface Clipped {
  text: string;
  /** Characters left out; 0 when the text is shown whole. */
  hidden: number;
}

/**
 * The one place big payloads are cut for display. Cuts at whichever limit comes first, at a line break when one
 * is close, so a cut prompt still reads as whole lines.
 */
export function clipText(text: string, limits: ClipLimits): Clipped {
  let end = Math.min(text.length, limits.chars);
  let newlines = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10 && ++newlines >= limits.lines) {
      end = i;
      break;
    }
  }
  if (end >= text.length) return { text, hidden: 0 };
  const lineBreak = text.lastIndexOf('\n', end);
  if (lineBreak > end * 0.75) end = lineBreak;
  return { text: text.slice(0, end), hidden: text.length - end };
}
