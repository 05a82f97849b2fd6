import { type Dialect, startTestServer, type TestServer, type TestServerOptions } from '../server.ts';
import { type SimulatedOptions, simulatedPersona } from './persona.ts';

export { type SimulatedOptions, simulatedPersona } from './persona.ts';
export {
  NO_MISTAKES,
  parseRates,
  presetsByName,
  RATE_NAMES,
  type RateName,
  SIMULATED_PRESET_NAMES,
  SIMULATED_PRESETS,
  SimulatedConfigError,
  type SimulatedPreset,
  type SimulatedRates,
  withRates,
} from './presets.ts';

/**
 * Starts the scripted test server with the simulated model as its persona (vLLM dialect unless told otherwise).
 * Scripted entries still answer first, so a test can pin one reply and let the simulation play the rest.
 */
export function startSimulatedServer(
  options: SimulatedOptions & Omit<Partial<TestServerOptions>, 'persona' | 'dialect'> & { dialect?: Dialect },
): Promise<TestServer> {
  const { presets, seed, timeScale, dialect, ...server } = options;
  return startTestServer({
    ...server,
    dialect: dialect ?? 'vllm',
    maxModelLen: server.maxModelLen ?? Math.max(...presets.map((p) => p.maxModelLen)),
    persona: simulatedPersona({
      presets,
      ...(seed !== undefined ? { seed } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
    }),
  });
}
