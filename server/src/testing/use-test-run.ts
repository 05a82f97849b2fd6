import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TestRun } from './run.ts';

/**
 * A TestRun for one `describe` block: started before its tests, closed after them and, unless `resetEach` is
 * false, its scripted server reset before each test. The object returned stands for the TestRun once started.
 */
export function useTestRun(
  options: Parameters<typeof TestRun.start>[0] = {},
  { resetEach = true }: { resetEach?: boolean } = {},
): TestRun {
  let current: TestRun | null = null;
  beforeAll(async () => {
    current = await TestRun.start(options);
  }, 120_000);
  afterAll(() => current?.close());
  if (resetEach) beforeEach(() => current?.server.reset());
  return new Proxy({} as TestRun, {
    get(_target, property) {
      if (current === null) throw new Error('the TestRun is used before its suite started');
      const value = Reflect.get(current, property, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
