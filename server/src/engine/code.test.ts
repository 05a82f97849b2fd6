import { describe, expect, it } from 'vitest';
import { calledApis, extractCode, normalizeCode, replaceCode, splitThinking } from './code.ts';

describe('reading the agent reply', () => {
  it('takes the first python block', () => {
    expect(extractCode('Plan.\n```python\nprint(1)\n```\nthen\n```python\nprint(2)\n```')).toBe('print(1)');
  });

  it('tolerates a missing closing fence', () => {
    expect(extractCode('```python\nx = apis.notes.login()\nprint(x)')).toBe(
      'x = apis.notes.login()\nprint(x)',
    );
  });

  it('accepts an untagged fence when no python one exists, and finds no code in prose', () => {
    expect(extractCode('```\nprint(3)\n```')).toBe('print(3)');
    expect(extractCode('I think the answer is 42.')).toBeNull();
    expect(extractCode('```python\n\n```')).toBeNull();
  });

  it('splits <think> blocks out of the answer, even when only the closing tag is present', () => {
    expect(splitThinking('<think>hmm</think>\nAnswer')).toEqual({ answer: 'Answer', thinking: 'hmm' });
    expect(splitThinking('still thinking</think>Done')).toEqual({
      answer: 'Done',
      thinking: 'still thinking',
    });
    expect(splitThinking('<think>never closed')).toEqual({ answer: '', thinking: 'never closed' });
  });

  it('replaces the executed code in the reply', () => {
    expect(replaceCode('Try:\n```python\nbad()\n```\nok', 'good()')).toBe('Try:\n```python\ngood()\n```\nok');
  });

  it('lists the APIs the code calls once each', () => {
    expect(
      calledApis('t = apis.notes.login(a=1)\napis.notes.search_notes(access_token=t)\napis.notes.login()'),
    ).toEqual([
      { app: 'notes', api: 'login' },
      { app: 'notes', api: 'search_notes' },
    ]);
  });

  it('sees the same code through whitespace and comments', () => {
    expect(normalizeCode('x = 1  # first\n\n  print(x)\n')).toBe(normalizeCode('x = 1\nprint(x)'));
  });
});
