/**
 * Relay overhead of the playground route: the same scripted streams read straight from the test server and
 * through `POST /api/playground/stream` (running in its own process, as Trellis does), side by side.
 *
 *   node --import tsx bench/relay.ts            (pnpm bench:relay)
 *
 * Per-token delay is measured from the moment the test server writes a token to the moment the client has
 * parsed it; the test server and the client share this process, so both ends read one clock. "Added" is the
 * relay figure minus the direct one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SseParser } from '../server/src/inference/sse.ts';
import { startTestServer, type TestServer } from '../server/src/testserver/server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  latencyTokens: Record<number, number>;
  paceMs: number;
  throughputTokens: Record<number, number>;
  concurrency: number[];
}

const streamsArg = process.argv.indexOf('--streams');
const OPTIONS: Options = {
  // `--streams 64` measures one level only (the table for the record uses both).
  concurrency: streamsArg === -1 ? [1, 64] : (process.argv[streamsArg + 1] ?? '').split(',').map(Number),
  paceMs: 10,
  latencyTokens: { 1: 1000, 64: 300 },
  throughputTokens: { 1: 200_000, 64: 5_000 },
};

type Mode = 'direct' | 'relay';

interface StreamStats {
  ttftMs: number | null;
  tokens: number;
}

interface RunResult {
  ttft: number[];
  delays: number[];
  tokens: number;
  wallMs: number;
  /** CPU time the relay process spent (user + system). */
  relayCpuMs: number;
}

async function relayCpuMs(relayUrl: string): Promise<number> {
  const response = await fetch(new URL('/bench/cpu', relayUrl));
  const usage = (await response.json()) as { user: number; system: number };
  return (usage.user + usage.system) / 1000;
}

const written = new Map<string, number>();
let recordWrites = false;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function startRelay(
  upstreamUrl: string,
): Promise<{ child: ChildProcess; url: string; endpointId: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/relay-server.ts', upstreamUrl], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline !== -1) resolve(out.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`relay server exited with ${code}`)));
  });
  const { url, endpointId } = JSON.parse(line) as { url: string; endpointId: string };
  return { child, url, endpointId };
}

/** Reads one stream, calling `onText` with each token's text as soon as it is parsed. */
async function consume(
  url: string,
  body: unknown,
  extract: (value: Record<string, unknown>) => string | null,
  onText: (text: string) => void,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) throw new Error(`${url} answered HTTP ${response.status}`);
  const parser = new SseParser();
  const reader = response.body.getReader();
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    for (const message of parser.push(chunk.value).messages) {
      if (message.data === '[DONE]') continue;
      const text = extract(JSON.parse(message.data) as Record<string, unknown>);
      if (text) onText(text);
    }
  }
}

const directText = (value: Record<string, unknown>): string | null => {
  const choices = value.choices as { delta?: { content?: unknown } }[] | undefined;
  const content = choices?.[0]?.delta?.content;
  return typeof content === 'string' && content !== '' ? content : null;
};

const relayText = (value: Record<string, unknown>): string | null =>
  value.type === 'delta' && typeof value.text === 'string' ? value.text : null;

let runSeq = 0;

async function run(
  server: TestServer,
  relay: { url: string; endpointId: string },
  mode: Mode,
  streams: number,
  tokens: number,
  paceMs: number,
  measureDelays: boolean,
): Promise<RunResult> {
  const run = ++runSeq;
  for (let s = 0; s < streams; s++) {
    const words = Array.from({ length: tokens }, (_, i) => `r${run}s${s}t${i}`);
    server.script({
      match: { contains: `[r${run}s${s}]` },
      reply: { content: words.join(' '), paceMs },
    });
  }
  written.clear();
  recordWrites = measureDelays;
  const result: RunResult = { ttft: [], delays: [], tokens: 0, wallMs: 0, relayCpuMs: 0 };
  const cpuBefore = mode === 'relay' ? await relayCpuMs(relay.url) : 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const stats: StreamStats = { ttftMs: null, tokens: 0 };
      const messages = [{ role: 'user', content: `[r${run}s${s}]` }];
      const requestStart = performance.now();
      const onText = (text: string) => {
        const at = performance.now();
        if (stats.ttftMs === null) stats.ttftMs = at - requestStart;
        for (const word of text.split(' ')) {
          if (word === '') continue;
          stats.tokens++;
          if (measureDelays) {
            const sentAt = written.get(word);
            if (sentAt !== undefined) result.delays.push(at - sentAt);
          }
        }
      };
      if (mode === 'direct') {
        await consume(
          `${server.url}/chat/completions`,
          { model: 'bench-model', messages, stream: true, stream_options: { include_usage: true } },
          directText,
          onText,
        );
      } else {
        await consume(relay.url, { endpointId: relay.endpointId, messages }, relayText, onText);
      }
      if (stats.ttftMs !== null) result.ttft.push(stats.ttftMs);
      result.tokens += stats.tokens;
    }),
  );
  result.wallMs = performance.now() - started;
  if (mode === 'relay') result.relayCpuMs = (await relayCpuMs(relay.url)) - cpuBefore;
  recordWrites = false;
  if (result.tokens !== streams * tokens) {
    throw new Error(`${mode}: expected ${streams * tokens} tokens, got ${result.tokens}`);
  }
  return result;
}

interface Row {
  streams: number;
  mode: Mode;
  ttftP50: number;
  delayP50: number;
  delayP99: number;
  tokensPerSecond: number;
  /** Relay CPU per relayed token in the unpaced run, microseconds. */
  cpuPerToken: number;
}

function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

async function main(): Promise<void> {
  const server = await startTestServer({
    dialect: 'vllm',
    models: ['bench-model'],
    onToken: (token, at) => {
      if (recordWrites) written.set(token.trim(), at);
    },
  });
  const relay = await startRelay(server.url);
  const rows: Row[] = [];
  try {
    // Warm both paths (JIT, connection pools) before measuring.
    for (const mode of ['direct', 'relay'] as const) {
      await run(server, relay, mode, 8, 2_000, 0, false);
      await run(server, relay, mode, 8, 50, 2, true);
    }
    for (const streams of OPTIONS.concurrency) {
      for (const mode of ['direct', 'relay'] as const) {
        const latency = await run(
          server,
          relay,
          mode,
          streams,
          OPTIONS.latencyTokens[streams]!,
          OPTIONS.paceMs,
          true,
        );
        const throughput = await run(
          server,
          relay,
          mode,
          streams,
          OPTIONS.throughputTokens[streams]!,
          0,
          false,
        );
        const ttft = [...latency.ttft].sort((a, b) => a - b);
        const delays = [...latency.delays].sort((a, b) => a - b);
        rows.push({
          streams,
          mode,
          ttftP50: percentile(ttft, 50),
          delayP50: percentile(delays, 50),
          delayP99: percentile(delays, 99),
          tokensPerSecond: (throughput.tokens / throughput.wallMs) * 1000,
          cpuPerToken: (throughput.relayCpuMs * 1000) / throughput.tokens,
        });
      }
    }
  } finally {
    relay.child.kill('SIGTERM');
    await server.close();
  }

  const header = [
    'streams',
    'path',
    'TTFT p50 ms',
    'delay p50 ms',
    'delay p99 ms',
    'tokens/s',
    'relay CPU µs/token',
  ];
  const lines: string[][] = [];
  for (const streams of OPTIONS.concurrency) {
    const direct = rows.find((r) => r.streams === streams && r.mode === 'direct')!;
    const relayed = rows.find((r) => r.streams === streams && r.mode === 'relay')!;
    for (const row of [direct, relayed]) {
      lines.push([
        String(streams),
        row.mode,
        fmt(row.ttftP50),
        fmt(row.delayP50, 3),
        fmt(row.delayP99, 3),
        fmt(row.tokensPerSecond, 0),
        row.mode === 'relay' ? fmt(row.cpuPerToken, 2) : '',
      ]);
    }
    lines.push([
      String(streams),
      'added by relay',
      `+${fmt(relayed.ttftP50 - direct.ttftP50)}`,
      `+${fmt(relayed.delayP50 - direct.delayP50, 3)}`,
      `+${fmt(relayed.delayP99 - direct.delayP99, 3)}`,
      '',
      '',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const print = (cells: string[]) =>
    console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
  console.log(
    `relay overhead: paced ${OPTIONS.paceMs} ms/token for latency (${OPTIONS.latencyTokens[1]} tokens × 1 stream, ` +
      `${OPTIONS.latencyTokens[64]} × 64), unpaced for tokens/s (${OPTIONS.throughputTokens[1]} × 1, ` +
      `${OPTIONS.throughputTokens[64]} × 64)\n`,
  );
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

await main();
