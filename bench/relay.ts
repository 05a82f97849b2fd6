/**
 * Relay overhead of the playground route: the same scripted streams read straight from the test server and
 * through `POST /api/playground/stream`, side by side in one run.
 *
 *   node --import tsx bench/relay.ts [--streams 1,64]        (pnpm bench:relay)
 *
 * The relay runs twice: in its own process (as Trellis does; on a shared machine this adds the scheduler's
 * wake-up latency of one more process) and inside this process (the route's own cost). Per-token delay runs
 * from the moment the test server writes a token to the moment the client has parsed it; the test server and
 * the client share this process, so both ends read one clock. "Added" is a relay figure minus the direct one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SseParser } from '../server/src/inference/sse.ts';
import { startTestServer, type TestServer } from '../server/src/testserver/server.ts';
import { startRelayServer } from './relay-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const streamsArg = process.argv.indexOf('--streams');
const CONCURRENCY =
  streamsArg === -1 ? [1, 64] : (process.argv[streamsArg + 1] ?? '').split(',').map(Number).filter(Boolean);
const PACE_MS = 10;
/** Paced tokens per stream for the per-token delay. */
const LATENCY_TOKENS: Record<number, number> = { 1: 1000, 64: 300 };
/** Rounds of short requests for time to first token. */
const TTFT_ROUNDS: Record<number, number> = { 1: 50, 64: 5 };
/** Tokens per stream that count as start-up (200 ms at 10 ms/token) for the steady-state p99. */
const STARTUP_TOKENS = 20;
/** Unpaced tokens per stream for throughput. */
const THROUGHPUT_TOKENS: Record<number, number> = { 1: 200_000, 64: 5_000 };

type PathName = 'direct' | 'relay, own process' | 'relay, same process';
const PATHS: PathName[] = ['direct', 'relay, own process', 'relay, same process'];

interface Target {
  url: string;
  endpointId: string;
  /** CPU milliseconds of the relay process so far, when it has its own. */
  cpuMs: (() => Promise<number>) | null;
}

const written = new Map<string, number>();
let recordWrites = false;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

async function startOwnProcessRelay(upstreamUrl: string): Promise<{ child: ChildProcess; target: Target }> {
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
  const cpuMs = async () => {
    const usage = (await (await fetch(new URL('/bench/cpu', url))).json()) as {
      user: number;
      system: number;
    };
    return (usage.user + usage.system) / 1000;
  };
  return { child, target: { url, endpointId, cpuMs } };
}

/** Reads one stream, calling `onText` with each fragment of the answer as soon as it is parsed. */
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

interface RunResult {
  ttft: number[];
  delays: number[];
  /** Delays of tokens after each stream's first STARTUP_TOKENS, when all streams are under way. */
  steadyDelays: number[];
  tokens: number;
  wallMs: number;
  relayCpuMs: number | null;
}

let runSeq = 0;

/** `streams` concurrent streams of `tokens` unique words each, through `target` (null: straight to the server). */
async function run(
  server: TestServer,
  target: Target | null,
  streams: number,
  tokens: number,
  paceMs: number,
  measureDelays: boolean,
): Promise<RunResult> {
  const id = ++runSeq;
  for (let s = 0; s < streams; s++) {
    const words = Array.from({ length: tokens }, (_, i) => `r${id}s${s}t${i}`);
    server.script({ match: { contains: `[r${id}s${s}]` }, reply: { content: words.join(' '), paceMs } });
  }
  written.clear();
  recordWrites = measureDelays;
  const result: RunResult = {
    ttft: [],
    delays: [],
    steadyDelays: [],
    tokens: 0,
    wallMs: 0,
    relayCpuMs: null,
  };
  const cpuBefore = target?.cpuMs ? await target.cpuMs() : 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const messages = [{ role: 'user', content: `[r${id}s${s}]` }];
      const requestStart = performance.now();
      let first: number | null = null;
      const onText = (text: string) => {
        const at = performance.now();
        first ??= at - requestStart;
        for (const word of text.split(' ')) {
          if (word === '') continue;
          result.tokens++;
          if (measureDelays) {
            const sentAt = written.get(word);
            if (sentAt !== undefined) {
              result.delays.push(at - sentAt);
              const index = Number(word.slice(word.lastIndexOf('t') + 1));
              if (index >= STARTUP_TOKENS) result.steadyDelays.push(at - sentAt);
            }
          }
        }
      };
      if (target === null) {
        const body = {
          model: 'bench-model',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        };
        await consume(`${server.url}/chat/completions`, body, directText, onText);
      } else {
        await consume(target.url, { endpointId: target.endpointId, messages }, relayText, onText);
      }
      if (first !== null) result.ttft.push(first);
    }),
  );
  result.wallMs = performance.now() - started;
  if (target?.cpuMs) result.relayCpuMs = (await target.cpuMs()) - cpuBefore;
  recordWrites = false;
  if (result.tokens !== streams * tokens) {
    throw new Error(`expected ${streams * tokens} tokens, got ${result.tokens}`);
  }
  return result;
}

interface Row {
  streams: number;
  path: PathName;
  ttftP50: number;
  delayP50: number;
  delayP99: number;
  steadyP99: number;
  tokensPerSecond: number;
  /** Relay CPU per relayed token in the unpaced run, microseconds (own-process relay only). */
  cpuPerToken: number | null;
}

async function measure(
  server: TestServer,
  target: Target | null,
  streams: number,
  path: PathName,
): Promise<Row> {
  const ttft: number[] = [];
  for (let round = 0; round < TTFT_ROUNDS[streams]!; round++) {
    ttft.push(...(await run(server, target, streams, 20, 0, false)).ttft);
  }
  const latency = await run(server, target, streams, LATENCY_TOKENS[streams]!, PACE_MS, true);
  const throughput = await run(server, target, streams, THROUGHPUT_TOKENS[streams]!, 0, false);
  const delays = sorted(latency.delays);
  return {
    streams,
    path,
    ttftP50: percentile(sorted(ttft), 50),
    delayP50: percentile(delays, 50),
    delayP99: percentile(delays, 99),
    steadyP99: percentile(sorted(latency.steadyDelays), 99),
    tokensPerSecond: (throughput.tokens / throughput.wallMs) * 1000,
    cpuPerToken: throughput.relayCpuMs === null ? null : (throughput.relayCpuMs * 1000) / throughput.tokens,
  };
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${fmt(value, digits)}`;

function printTable(rows: Row[]): void {
  const header = [
    'streams',
    'path',
    'TTFT p50 ms',
    'delay p50 ms',
    'delay p99 ms',
    `p99 after ${STARTUP_TOKENS} tokens`,
    'tokens/s',
    'relay CPU µs/token',
  ];
  const lines: string[][] = [];
  for (const streams of CONCURRENCY) {
    const direct = rows.find((r) => r.streams === streams && r.path === 'direct')!;
    for (const row of rows.filter((r) => r.streams === streams)) {
      lines.push([
        String(streams),
        row.path,
        fmt(row.ttftP50),
        fmt(row.delayP50, 3),
        fmt(row.delayP99, 3),
        fmt(row.steadyP99, 3),
        fmt(row.tokensPerSecond, 0),
        row.cpuPerToken === null ? '' : fmt(row.cpuPerToken),
      ]);
      if (row.path === 'direct') continue;
      lines.push([
        String(streams),
        `  added (${row.path.slice(7)})`,
        signed(row.ttftP50 - direct.ttftP50, 2),
        signed(row.delayP50 - direct.delayP50, 3),
        signed(row.delayP99 - direct.delayP99, 3),
        signed(row.steadyP99 - direct.steadyP99, 3),
        '',
        '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const print = (cells: string[]) =>
    console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

async function main(): Promise<void> {
  const server = await startTestServer({
    dialect: 'vllm',
    models: ['bench-model'],
    onToken: (token, at) => {
      if (recordWrites) written.set(token.trim(), at);
    },
  });
  const own = await startOwnProcessRelay(server.url);
  const same = await startRelayServer(server.url);
  const targets: Record<PathName, Target | null> = {
    direct: null,
    'relay, own process': own.target,
    'relay, same process': { url: same.url, endpointId: same.endpointId, cpuMs: null },
  };
  const rows: Row[] = [];
  try {
    // Warm every path (JIT, connection pools) before measuring.
    for (const path of PATHS) {
      await run(server, targets[path], 8, 2_000, 0, false);
      await run(server, targets[path], 8, 50, 2, true);
    }
    for (const streams of CONCURRENCY) {
      for (const path of PATHS) rows.push(await measure(server, targets[path], streams, path));
    }
  } finally {
    own.child.kill('SIGTERM');
    await same.close();
    await server.close();
  }
  console.log(
    `relay overhead on ${process.platform}/${process.arch}, node ${process.version}; per-token delay from ` +
      `${PACE_MS} ms/token streams (${LATENCY_TOKENS[1]} tokens × 1, ${LATENCY_TOKENS[64]} × 64), TTFT from ` +
      `20-token requests, tokens/s unpaced (${THROUGHPUT_TOKENS[1]} × 1, ${THROUGHPUT_TOKENS[64]} × 64)\n`,
  );
  printTable(rows);
}

await main();
