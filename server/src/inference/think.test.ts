import { describe, expect, it } from 'vitest';
import { type PieceKind, ThinkSplitter } from './think.ts';

function split(chunks: string[]): { content: string; reasoning: string } {
  const splitter = new ThinkSplitter();
  const out: Record<PieceKind, string> = { content: '', reasoning: '' };
  const emit = (kind: PieceKind, text: string) => {
    out[kind] += text;
  };
  for (const chunk of chunks) splitter.push(chunk, emit);
  splitter.flush(emit);
  return out;
}

function everySplit(text: string): string[][] {
  const cuts: string[][] = [];
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) cuts.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  cuts.push([...text]);
  return cuts;
}

describe('ThinkSplitter', () => {
  it('separates <think> reasoning from the answer however the tags are split', () => {
    const text = '<think>\nLet me add 2 and 2.\n</think>\n\nThe answer is 4.';
    for (const chunks of everySplit(text)) {
      expect(split(chunks)).toEqual({ reasoning: 'Let me add 2 and 2.', content: 'The answer is 4.' });
    }
  });

  it('passes content without a think block through unchanged (after leading whitespace)', () => {
    for (const chunks of everySplit('\n  a <b> and <think> later')) {
      expect(split(chunks)).toEqual({ reasoning: '', content: 'a <b> and <think> later' });
    }
  });

  it('keeps an unterminated thought as reasoning', () => {
    expect(split(['<think>still thinking', ' about it </thi'])).toEqual({
      reasoning: 'still thinking about it </thi',
      content: '',
    });
  });

  it('emits a lone partial tag as content when the stream ends', () => {
    expect(split(['<thi'])).toEqual({ reasoning: '', content: '<thi' });
  });

  it('keeps whitespace inside the reasoning', () => {
    expect(split(['<think>a', '\n\n', 'b  ', ' c</think>d'])).toEqual({
      reasoning: 'a\n\nb   c',
      content: 'd',
    });
  });
});
