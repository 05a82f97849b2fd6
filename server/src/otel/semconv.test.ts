import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { GEN_AI, OPERATION } from './semconv.ts';

const published = (prefix: string) =>
  new Set(
    Object.entries(incubating)
      .filter(([name, value]) => name.startsWith(prefix) && typeof value === 'string')
      .map(([, value]) => value as string),
  );

describe('GenAI semantic conventions', () => {
  it('writes only attribute names the installed conventions publish', () => {
    const names = published('ATTR_GEN_AI_');
    expect(Object.values(GEN_AI).filter((name) => !names.has(name))).toEqual([]);
  });

  it('names operations as the conventions do', () => {
    const operations = published('GEN_AI_OPERATION_NAME_VALUE_');
    expect(Object.values(OPERATION).filter((name) => !operations.has(name))).toEqual([]);
  });
});
