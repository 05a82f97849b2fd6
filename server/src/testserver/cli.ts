import { parseArgs } from 'node:util';
import { DIALECTS, type Dialect, OWNED_BY, startTestServer } from './server.ts';

const USAGE = `usage: pnpm testserver [--port 8000] [--dialect vllm|sglang|llamacpp|ollama|openai|tgi]
                       [--pace <ms per token>] [--api-key <key> [--open-models]] [--model <id>]...
                       [--think-in-content]

A scripted OpenAI-compatible TEST server (not an inference server): it answers from a script or echoes the last
user message. Steer it from a chat message with #fault:<name>, #tokens:<n>, #pace:<ms>; drive it from other
processes with POST /__script, GET /__requests, POST /__reset.`;

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
  const server = await startTestServer({
    dialect,
    port,
    paceMs: pace,
    ...(values.host ? { host: values.host } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values['open-models'] ? { openModels: true } : {}),
    ...(values.model && values.model.length > 0 ? { models: values.model } : {}),
    ...(values['think-in-content'] ? { thinkInContent: true } : {}),
  });
  console.log(
    `trellis scripted test server (${OWNED_BY}) — NOT a real model — speaking the ${dialect} dialect at ${server.url}`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
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
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

void main();
