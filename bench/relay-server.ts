/**
 * The relay side of bench/relay.ts: the real playground route in its own process (as Trellis runs), with one
 * endpoint pointing at the upstream URL given as the first argument. Prints `{url, endpointId}` as one line.
 */

// bench/ has no dependencies of its own; Fastify comes from the server package.
import Fastify from '../server/node_modules/fastify/fastify.js';
import { installErrorHandling } from '../server/src/http/errors.ts';
import { playgroundRoutes } from '../server/src/routes/playground.ts';
import { openDb } from '../server/src/store/db.ts';
import { EndpointRepo } from '../server/src/store/endpoints.ts';
import { DEFAULT_TIMEOUTS } from '../shared/src/index.ts';

const upstream = process.argv[2];
if (!upstream) {
  console.error('usage: relay-server.ts <upstream base URL>');
  process.exit(2);
}
const db = openDb(':memory:');
const endpoints = new EndpointRepo(db);
const endpoint = endpoints.create({
  name: 'bench upstream',
  baseUrl: upstream,
  kind: 'vllm',
  apiKey: null,
  defaultModel: 'bench-model',
  defaultParams: {},
  timeouts: DEFAULT_TIMEOUTS,
});
const shutdown = new AbortController();
const app = Fastify({ forceCloseConnections: true });
installErrorHandling(app);
await app.register(playgroundRoutes({ endpoints, shutdown: shutdown.signal }), { prefix: '/api' });
// CPU time of this process, so the bench can report the relay's cost per token.
app.get('/bench/cpu', async () => process.cpuUsage());
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
console.log(
  JSON.stringify({ url: `http://127.0.0.1:${port}/api/playground/stream`, endpointId: endpoint.id }),
);

const stop = () => {
  shutdown.abort();
  void app.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
