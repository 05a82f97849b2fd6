import type { ServedModel } from '@trellis/shared';
import { isTestServer } from '../components/TestServerNotice.tsx';

/** An endpoint's name as lists show it: the scripted test server says what it is, so nobody takes it for a model. */
export function endpointName(endpoint: { name: string }, served: ServedModel[] | undefined): string {
  return isTestServer(served) ? `${endpoint.name} (test server)` : endpoint.name;
}
