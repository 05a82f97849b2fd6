/**
 * The relay side of bench/relay.ts: the real playground route on its own Fastify instance, with one endpoint
 * pointing at an upstream URL. Run as a script (`relay-server.ts <upstream base URL>`) it serves in its own
 * process, as Trellis does, and prints `{url, endpointId}` as one line.
 */
import { pathToFileURL } from 'node:url';
// bench/ has no dependencies of its own; Fastify comes from the server package.
import Fastify from '../server/node_modules/fastify/fastify.js';
import { installErrorHandling } from '../server/src/http/errors.ts';
import { playgroundRoutes } from '../server/src/routes/playground.ts';
import { openDb } from '../server/src/store/db.ts';
import { EndpointRepo } from '../server/src/store/endpoints.ts';
import { DEFAULT_TIMEOUTS } from '../shared/src/index.ts';

export interface RelayServer {
  url: string;
  endpointId: string;
  close(): Promise<void>;
}

export async function startRelayServer(upstream: string): Promise<RelayServer> {
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
  return {
    url: `http://127.0.0.1:${port}/api/playground/stream`,
    endpointId: endpoint.id,
    async close() {
      shutdown.abort();
      await app.close();
      db.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = process.argv[2];
  if (!upstream) {
    console.error('usage: relay-server.ts <upstream base URL>');
    process.exit(2);
  }
  const relay = await startRelayServer(upstream);
  console.log(JSON.stringify({ url: relay.url, endpointId: relay.endpointId }));
  const stop = () => {
    void relay.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
