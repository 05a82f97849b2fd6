const OPEN = '<think>';
const CLOSE = '</think>';

export type PieceKind = 'content' | 'reasoning';

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return i;
  return -1;
}

/** Where a tail of `text` could be the beginning of `tag`; whitespace just before it is held too. */
function holdPoint(text: string, tag: string): number {
  let hold = text.length;
  const longest = Math.min(tag.length - 1, text.length);
  for (let k = longest; k > 0; k--) {
    if (text.endsWith(tag.slice(0, k))) {
      hold = text.length - k;
      break;
    }
  }
  while (hold > 0 && isSpace(text.charCodeAt(hold - 1))) hold--;
  return hold;
}

/**
 * Splits streamed content into answer and reasoning when a model thinks inside `<think>…</think>` in its
 * content (Qwen3 served without a reasoning parser). Tags may be split across chunks.
 *
 * Only a `<think>` that opens the content counts, so an answer that talks about the tag is left alone. Leading
 * whitespace of the answer and whitespace around the reasoning are dropped (templates put newlines there).
 */
export class ThinkSplitter {
  private state: 'start' | 'think' | 'after' | 'content' = 'start';
  private pending = '';
  private reasoningStarted = false;

  push(text: string, emit: (kind: PieceKind, text: string) => void): void {
    if (this.state === 'content') {
      if (text.length > 0) emit('content', text);
      return;
    }
    let input = this.pending + text;
    this.pending = '';
    while (input.length > 0) {
      if (this.state === 'start') {
        const first = firstNonSpace(input);
        if (first === -1) {
          this.pending = input;
          return;
        }
        const rest = first === 0 ? input : input.slice(first);
        if (rest.startsWith(OPEN)) {
          this.state = 'think';
          input = rest.slice(OPEN.length);
          continue;
        }
        if (rest.length < OPEN.length && OPEN.startsWith(rest)) {
          this.pending = rest;
          return;
        }
        this.state = 'content';
        emit('content', rest);
        return;
      }
      if (this.state === 'think') {
        const close = input.indexOf(CLOSE);
        if (close !== -1) {
          this.emitReasoning(input.slice(0, close).trimEnd(), emit);
          this.state = 'after';
          input = input.slice(close + CLOSE.length);
          continue;
        }
        const hold = holdPoint(input, CLOSE);
        this.emitReasoning(input.slice(0, hold), emit);
        this.pending = input.slice(hold);
        return;
      }
      if (this.state === 'after') {
        const first = firstNonSpace(input);
        if (first === -1) return;
        this.state = 'content';
        emit('content', first === 0 ? input : input.slice(first));
        return;
      }
      emit('content', input);
      return;
    }
  }

  /** Emits what was held back when the content ends (a lone `<thi`, an unterminated thought). */
  flush(emit: (kind: PieceKind, text: string) => void): void {
    const rest = this.pending;
    this.pending = '';
    if (this.state === 'think') this.emitReasoning(rest.trimEnd(), emit);
    else if (this.state === 'start' && firstNonSpace(rest) !== -1) emit('content', rest.trimStart());
  }

  private emitReasoning(text: string, emit: (kind: PieceKind, text: string) => void): void {
    let piece = text;
    if (!this.reasoningStarted) {
      const first = firstNonSpace(piece);
      if (first === -1) return;
      piece = piece.slice(first);
      this.reasoningStarted = true;
    }
    if (piece.length > 0) emit('reasoning', piece);
  }
}
