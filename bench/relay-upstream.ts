/**
 * The upstream side of bench/relay.ts: the scripted test server (vLLM dialect) in its own process, as an
 * inference server is. Driven over the IPC channel of `child_process.fork`: it queues scripts, and records the
 * moment each content token is written to its socket, on the system-wide monotonic clock (`monotonicMs`), so
 * the benchmark's process can compare it with the moment it parsed the token.
 */
import { pathToFileURL } from 'node:url';
import type { ScriptEntry } from '../server/src/testserver/script.ts';
import { startTestServer } from '../server/src/testserver/server.ts';

/** Milliseconds on CLOCK_MONOTONIC, which every process of the machine reads alike (Linux). */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

export type UpstreamCommand =
  | { kind: 'script'; entries: ScriptEntry[] }
  | { kind: 'record'; on: boolean }
  | { kind: 'written' }
  | { kind: 'clock' }
  | { kind: 'cpu' };

export type UpstreamRequest = UpstreamCommand & { id: number };

export type UpstreamReply =
  | { kind: 'ready'; url: string }
  | { id: number; written: [string, number][] }
  | { id: number; clock: number }
  | { id: number; cpuMs: number }
  | { id: number; ok: true };

function reply(message: UpstreamReply): void {
  process.send?.(message);
}

async function serve(): Promise<void> {
  let recording = false;
  let written: [string, number][] = [];
  const server = await startTestServer({
    dialect: 'vllm',
    models: ['bench-model'],
    onToken: (token) => {
      if (recording) written.push([token.trim(), monotonicMs()]);
    },
  });
  process.on('message', (message: UpstreamRequest) => {
    switch (message.kind) {
      case 'script':
        server.script(message.entries);
        return reply({ id: message.id, ok: true });
      case 'record':
        recording = message.on;
        if (message.on) written = [];
        return reply({ id: message.id, ok: true });
      case 'written': {
        const taken = written;
        written = [];
        return reply({ id: message.id, written: taken });
      }
      case 'clock':
        return reply({ id: message.id, clock: monotonicMs() });
      case 'cpu': {
        const usage = process.cpuUsage();
        return reply({ id: message.id, cpuMs: (usage.user + usage.system) / 1000 });
      }
    }
  });
  // The parent going away (even killed) closes the channel: stop with it.
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  reply({ kind: 'ready', url: server.url });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await serve();
