import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port nothing listens on right now: the address of a server that is not running. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
