import { parseArgs } from 'node:util';
import { SIMULATED_OWNER } from '@trellis/shared';
import { DIALECTS, type Dialect, OWNED_BY, startTestServer } from './server.ts';
import { simulatedPersona } from './simulated/persona.ts';
import { parseRates, presetsByName, SimulatedConfigError, withRates } from './simulated/presets.ts';

const USAGE = `usage: pnpm testserver [--port 8000] [--dialect vllm|sglang|llamacpp|ollama|openai|tgi]
                       [--pace <ms per token>] [--api-key <key> [--open-models]] [--model <id>]...
                       [--think-in-content]
                       [--simulated small|large[,…] [--rate <name>=<0..1>]... [--seed <n>] [--time-scale <x>]]

A scripted OpenAI-compatible TEST server (not an inference server): it answers from a script or echoes the last
user message. Steer it from a chat message with #fault:<name>, #tokens:<n>, #pace:<ms>; drive it from other
processes with POST /__script, GET /__requests, POST /__reset.

With --simulated it is the SIMULATED model instead (still not a real model): a seeded persona that plays a weak
code agent on the built-in world's tasks, served as simulated-<preset> (see docs/simulated-model.md). --rate
overrides a failure rate (apiMisuse, agentFix, repeat, noCode, noCodeStreak, premature, artifactGuess,
summaryDrop, correctorFix); --seed is used when a request names no seed; --time-scale 0 answers at once.`;

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    console.error(`testserver: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dialect = (values.dialect ?? 'vllm') as Dialect;
  if (!DIALECTS.includes(dialect)) {
    console.error(`testserver: unknown dialect '${values.dialect}'; expected one of ${DIALECTS.join(', ')}`);
    process.exit(2);
  }
  const port = Number(values.port ?? 8000);
  const pace = Number(values.pace ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(pace) || pace < 0) {
    console.error(`testserver: --port must be a port number and --pace a non-negative number\n${USAGE}`);
    process.exit(2);
  }
  let persona: ReturnType<typeof simulatedPersona> | undefined;
  if (values.simulated !== undefined) {
    const seed = Number(values.seed ?? 0);
    const timeScale = Number(values['time-scale'] ?? 1);
    if (!Number.isSafeInteger(seed)) fail(`--seed must be an integer, not '${values.seed}'`);
    if (!Number.isFinite(timeScale) || timeScale < 0) {
      fail(`--time-scale must be a non-negative number, not '${values['time-scale']}'`);
    }
    try {
      const rates = parseRates(values.rate ?? []);
      const presets = presetsByName(values.simulated.split(',').filter(Boolean)).map((p) =>
        withRates(p, rates),
      );
      persona = simulatedPersona({ presets, seed, timeScale });
    } catch (error) {
      if (error instanceof SimulatedConfigError) fail(error.message);
      throw error;
    }
  } else if (values.rate || values.seed || values['time-scale']) {
    fail('--rate, --seed and --time-scale need --simulated <preset>');
  }
  const server = await startTestServer({
    dialect,
    port,
    paceMs: pace,
    ...(persona ? { persona } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values['open-models'] ? { openModels: true } : {}),
    ...(values.model && values.model.length > 0 ? { models: values.model } : {}),
    ...(values['think-in-content'] ? { thinkInContent: true } : {}),
  });
  if (persona) {
    console.log(
      `trellis SIMULATED model (${SIMULATED_OWNER}) — a seeded test double, NOT a real model — serving ${persona.models.join(', ')} in the ${dialect} dialect at ${server.url}`,
    );
  } else {
    console.log(
      `trellis scripted test server (${OWNED_BY}) — NOT a real model — speaking the ${dialect} dialect at ${server.url}`,
    );
  }
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** One line naming what was wrong, exit 2. */
function fail(message: string): never {
  console.error(`testserver: ${message}`);
  process.exit(2);
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      dialect: { type: 'string' },
      pace: { type: 'string' },
      'api-key': { type: 'string' },
      'open-models': { type: 'boolean' },
      model: { type: 'string', multiple: true },
      'think-in-content': { type: 'boolean' },
      simulated: { type: 'string' },
      rate: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'time-scale': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

void main();
