/**
 * The inference side of bench/experiment.ts: the scripted test server (vLLM dialect) in its own process, as an
 * inference server is, so its work and the requests it records stay out of the Trellis process being measured.
 * Driven over the IPC channel of `child_process.fork`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ScriptEntry } from '../server/src/testserver/script.ts';
import { startTestServer } from '../server/src/testserver/server.ts';

type Command =
  | { kind: 'script'; entries: ScriptEntry[] }
  | { kind: 'reset' }
  | { kind: 'stats'; since: number; latencyMs: number };

type Reply =
  | { kind: 'ready'; url: string }
  | { id: number; ok: true }
  | { id: number; requests: number; peakInFlight: number };

/** Chat requests received since a moment, and the most in flight at once. */
export interface UpstreamStats {
  requests: number;
  /**
   * The most chat requests in flight at once, each counted from its arrival for the scripted latency (its answer
   * is written when that delay ends).
   */
  peakInFlight: number;
}

export interface Upstream {
  /** Base URL including `/v1`. */
  url: string;
  script(entries: ScriptEntry[]): Promise<void>;
  /** Forgets the script and the recorded requests. */
  reset(): Promise<void>;
  /** `since` is a `Date.now()` of this machine; requests received from then on are counted. */
  stats(since: number, latencyMs: number): Promise<UpstreamStats>;
  close(): Promise<void>;
}

/** Starts the test server in a child process serving `models`. */
export async function startUpstream(models: string[]): Promise<Upstream> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), models, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiting = new Map<number, (reply: Reply) => void>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the test server process exited with code ${code}`)));
    child.on('message', (message: Reply) => {
      if ('kind' in message) resolve(message.url);
      else waiting.get(message.id)?.(message);
    });
  });
  const ask = (command: Command) =>
    new Promise<Reply>((resolve) => {
      const id = ++nextId;
      waiting.set(id, (reply) => {
        waiting.delete(id);
        resolve(reply);
      });
      child.send({ ...command, id });
    });
  return {
    url,
    script: async (entries) => void (await ask({ kind: 'script', entries })),
    reset: async () => void (await ask({ kind: 'reset' })),
    stats: async (since, latencyMs) => (await ask({ kind: 'stats', since, latencyMs })) as UpstreamStats,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

function peakInFlight(arrivals: number[], latencyMs: number): number {
  const edges = arrivals.flatMap((at) => [
    [at, 1],
    [at + latencyMs, -1],
  ]);
  // An answer ending at the moment another request arrives frees its place first.
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let inFlight = 0;
  let peak = 0;
  for (const [, change] of edges) {
    inFlight += change!;
    peak = Math.max(peak, inFlight);
  }
  return peak;
}

async function serve(models: string[]): Promise<void> {
  const server = await startTestServer({ dialect: 'vllm', models });
  const reply = (message: Reply) => process.send?.(message);
  process.on('message', (message: Command & { id: number }) => {
    switch (message.kind) {
      case 'script':
        server.script(message.entries);
        return reply({ id: message.id, ok: true });
      case 'reset':
        server.reset();
        return reply({ id: message.id, ok: true });
      case 'stats': {
        const arrivals = server
          .requests()
          .filter((r) => r.path.endsWith('/chat/completions') && r.receivedAt >= message.since)
          .map((r) => r.receivedAt);
        return reply({
          id: message.id,
          requests: arrivals.length,
          peakInFlight: peakInFlight(arrivals, message.latencyMs),
        });
      }
    }
  });
  // The parent going away (even killed) closes the channel: stop with it.
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  reply({ kind: 'ready', url: server.url });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await serve(process.argv.slice(2));
