import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Runs a full garbage collection now. Tests use it where behaviour must not depend on what the collector has
 * reclaimed, such as an abort that has to reach a connection after the request object is gone.
 */
export function collectGarbage(): void {
  gc();
}
