import { describe, expect, it } from 'vitest';
import { canonicalJson } from './graph.ts';
import { renderTemplate, templateVariables } from './templates.ts';

describe('prompt templates', () => {
  it('lists placeholders with their offsets', () => {
    expect(templateVariables('Hi {{ supervisor.name }}, do {{task.instruction}}')).toEqual([
      { name: 'supervisor.name', offset: 3, length: 21 },
      { name: 'task.instruction', offset: 29, length: 20 },
    ]);
  });

  it('renders values and leaves missing ones empty', () => {
    expect(renderTemplate('{{a}}-{{b}}-{{ a }}', { a: 'x' })).toBe('x--x');
  });
});

describe('canonical JSON', () => {
  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});
