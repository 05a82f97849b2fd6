import type { ServedModel } from '@trellis/shared';
import { TEST_DOUBLE_SUFFIX, testDoubleOf } from '../components/TestDoubleNotice.tsx';

/** An endpoint's name as lists show it: a test double says what it is, so nobody takes it for a model. */
export function endpointName(endpoint: { name: string }, served: ServedModel[] | undefined): string {
  const testDouble = testDoubleOf(served);
  return testDouble ? `${endpoint.name} (${TEST_DOUBLE_SUFFIX[testDouble]})` : endpoint.name;
}
