/**
 * What the Playground relay adds to what a user waits for: the same scripted streams read straight from the
 * inference server (`direct`) and through the real Trellis server (`relay`, `POST /api/playground/stream`),
 * side by side in one run.
 *
 *   node --import tsx bench/relay.ts [--streams 1,64] [--rounds 3]        (pnpm bench:relay)
 *
 * Three processes, the same on both paths: the scripted test server (bench/relay-upstream.ts), Trellis itself
 * (server/src/main.ts on a fresh data directory, the endpoint registered through `POST /api/endpoints`), and
 * this process, which only reads streams. The direct path crosses one process boundary, the relay path two.
 * Per-token delay runs from the moment the test server wrote a token to its socket to the moment this process
 * parsed it; both read CLOCK_MONOTONIC, which is one clock for every process of a Linux machine.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScriptEntry } from '../server/src/testserver/script.ts';
import { SseParser } from '../shared/src/sse.ts';
import type { UpstreamCommand, UpstreamReply } from './relay-upstream.ts';
import { type RunningServer, startTrellis } from './server.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function argList(name: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  return (process.argv[at + 1] ?? '').split(',').map(Number).filter(Boolean);
}

const CONCURRENCY = argList('--streams', [1, 64]);
/** Paced runs per path and concurrency; the paths alternate (ABBA) so both see the same machine load. */
const ROUNDS = argList('--rounds', [3])[0]!;
const PACE_MS = 10;
/** Paced tokens per stream for the per-token delay. */
const latencyTokens = (streams: number) => (streams === 1 ? 1000 : 300);
/** Rounds of short requests per path for time to first token. */
const ttftRounds = (streams: number) => (streams === 1 ? 50 : 6);
/** Tokens per stream that count as set-up (200 ms at 10 ms/token) for the figures "after set-up". */
const STARTUP_TOKENS = 20;
/** Unpaced tokens per stream for throughput. */
const throughputTokens = (streams: number) => (streams === 1 ? 200_000 : 5_000);

type PathName = 'direct' | 'relay';

/** Milliseconds on CLOCK_MONOTONIC, the clock bench/relay-upstream.ts stamps written tokens with. */
const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const ascending = (values: number[]) => Float64Array.from(values).sort() as unknown as number[];

/** The scripted test server in its own process, driven over IPC. */
class Upstream {
  private seq = 0;
  private readonly pending = new Map<number, (reply: UpstreamReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (reply: UpstreamReply) => {
      if ('id' in reply) {
        this.pending.get(reply.id)?.(reply);
        this.pending.delete(reply.id);
      }
    });
  }

  static async start(): Promise<Upstream> {
    const child = fork(path.join(HERE, 'relay-upstream.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (reply: UpstreamReply) => {
        if ('kind' in reply && reply.kind === 'ready') resolve(reply.url);
      });
      child.once('exit', (code) => reject(new Error(`the test server exited with code ${code}`)));
    });
    return new Upstream(child, url);
  }

  private ask<T extends UpstreamReply>(request: UpstreamCommand): Promise<T> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (reply: UpstreamReply) => void);
      this.child.send({ ...request, id });
    });
  }

  script = (entries: ScriptEntry[]) => this.ask({ kind: 'script', entries });
  record = (on: boolean) => this.ask({ kind: 'record', on });
  written = async () =>
    (await this.ask<{ id: number; written: [string, number][] }>({ kind: 'written' })).written;
  cpuMs = async () => (await this.ask<{ id: number; cpuMs: number }>({ kind: 'cpu' })).cpuMs;

  /** Offset of the test server's clock against this one, and the round trip it was read in (best of 20). */
  async clockOffset(): Promise<{ offsetMs: number; roundTripMs: number }> {
    let best = { offsetMs: Number.NaN, roundTripMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 20; i++) {
      const sent = monotonicMs();
      const { clock } = await this.ask<{ id: number; clock: number }>({ kind: 'clock' });
      const back = monotonicMs();
      if (back - sent < best.roundTripMs)
        best = { offsetMs: clock - (sent + back) / 2, roundTripMs: back - sent };
    }
    return best;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}

const clientCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times. */
const CLOCK_TICK_MS = 1000 / 100;

/**
 * User + system CPU of another process in ms, from /proc (Linux; 10 ms resolution, so only runs of a few
 * seconds are read). Null elsewhere.
 */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return null;
  }
}

interface Targets {
  upstream: Upstream;
  trellis: RunningServer;
  endpointId: string;
}

async function registerEndpoint(trellisUrl: string, upstreamUrl: string): Promise<string> {
  const response = await fetch(`${trellisUrl}/api/endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench upstream',
      baseUrl: upstreamUrl,
      kind: 'vllm',
      defaultModel: 'bench-model',
    }),
  });
  if (response.status !== 201)
    throw new Error(`registering the endpoint: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
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
  /** Request sent to first token parsed, per stream. */
  ttft: number[];
  /** Per-token delay, written to parsed, every token (paced runs). */
  delays: number[];
  /** The same, leaving out each stream's first STARTUP_TOKENS. */
  steadyDelays: number[];
  /** Run start to the moment the last stream parsed its first token. */
  setupMs: number;
  tokens: number;
  wallMs: number;
  /** CPU over the run (ms) of this process, the test server's and Trellis's (null where /proc is missing). */
  cpuMs: { client: number; upstream: number; trellis: number | null };
}

let runSeq = 0;

/**
 * `streams` concurrent streams of `tokens` unique words each, on `path`. Every word is checked to arrive once
 * and in order; with `measureDelays`, every written word is matched with the moment it was parsed.
 */
async function run(
  targets: Targets,
  path: PathName,
  streams: number,
  tokens: number,
  paceMs: number,
  measureDelays: boolean,
): Promise<RunResult> {
  const { upstream, trellis } = targets;
  const id = ++runSeq;
  const word = (s: number, i: number) => `r${id}s${s}t${i}`;
  await upstream.script(
    Array.from({ length: streams }, (_, s) => ({
      match: { contains: `[r${id}s${s}]` },
      reply: { content: Array.from({ length: tokens }, (_, i) => word(s, i)).join(' '), paceMs },
    })),
  );
  if (measureDelays) await upstream.record(true);
  const received = new Map<string, number>();
  const result: RunResult = {
    ttft: [],
    delays: [],
    steadyDelays: [],
    setupMs: 0,
    tokens: 0,
    wallMs: 0,
    cpuMs: { client: 0, upstream: 0, trellis: null },
  };
  const cpuBefore = {
    client: clientCpuMs(),
    upstream: await upstream.cpuMs(),
    trellis: processCpuMs(trellis.pid),
  };
  const started = monotonicMs();
  let lastFirst = started;
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const messages = [{ role: 'user', content: `[r${id}s${s}]` }];
      const requestStart = monotonicMs();
      let first: number | null = null;
      let next = 0;
      const onText = (text: string) => {
        const at = monotonicMs();
        if (first === null) {
          first = at - requestStart;
          lastFirst = Math.max(lastFirst, at);
        }
        for (const piece of text.split(' ')) {
          if (piece === '') continue;
          if (piece !== word(s, next))
            throw new Error(`stream ${s}: expected ${word(s, next)}, got ${piece}`);
          next++;
          if (measureDelays) received.set(piece, at);
        }
      };
      if (path === 'direct') {
        const body = {
          model: 'bench-model',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        };
        await consume(`${upstream.url}/chat/completions`, body, directText, onText);
      } else {
        const body = { endpointId: targets.endpointId, messages };
        await consume(`${trellis.url}/api/playground/stream`, body, relayText, onText);
      }
      if (next !== tokens) throw new Error(`stream ${s} on ${path}: ${next} of ${tokens} tokens arrived`);
      result.tokens += next;
      if (first !== null) result.ttft.push(first);
    }),
  );
  result.wallMs = monotonicMs() - started;
  result.setupMs = lastFirst - started;
  const trellisAfter = processCpuMs(trellis.pid);
  result.cpuMs = {
    client: clientCpuMs() - cpuBefore.client,
    upstream: (await upstream.cpuMs()) - cpuBefore.upstream,
    trellis: trellisAfter === null || cpuBefore.trellis === null ? null : trellisAfter - cpuBefore.trellis,
  };
  if (measureDelays) {
    await upstream.record(false);
    const written = await upstream.written();
    if (written.length !== streams * tokens) {
      throw new Error(`the test server reported ${written.length} of ${streams * tokens} tokens written`);
    }
    for (const [token, at] of written) {
      const parsedAt = received.get(token);
      if (parsedAt === undefined) throw new Error(`token ${token} was written but never parsed`);
      result.delays.push(parsedAt - at);
      if (Number(token.slice(token.lastIndexOf('t') + 1)) >= STARTUP_TOKENS) {
        result.steadyDelays.push(parsedAt - at);
      }
    }
  }
  return result;
}

interface Figures {
  ttftP50: number;
  ttftP95: number;
  delay: [number, number, number];
  steady: [number, number, number];
  setupMs: number;
  tokensPerSecond: number;
  /** CPU per token of the paced runs, µs: this process, the test server, Trellis. */
  cpuPaced: [number, number, number | null];
  /** Trellis CPU per token of the unpaced run, µs. */
  cpuUnpaced: number | null;
  /** CPU per request of the 20-token requests, ms: this process, the test server, Trellis. */
  cpuPerRequest: [number, number, number | null];
}

interface RoundFigures {
  round: number;
  path: PathName;
  delayP99: number;
  steadyP99: number;
  setupMs: number;
}

const p3 = (values: number[]): [number, number, number] => {
  const sorted = ascending(values);
  return [percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)];
};

const median = (values: number[]) => percentile(ascending(values), 50);

function cpuPerToken(results: RunResult[], process: keyof RunResult['cpuMs']): number | null {
  let cpu = 0;
  let tokens = 0;
  for (const result of results) {
    const ms = result.cpuMs[process];
    if (ms === null) return null;
    cpu += ms;
    tokens += result.tokens;
  }
  return (cpu * 1000) / tokens;
}

function cpuPerRequest(results: RunResult[], process: keyof RunResult['cpuMs']): number | null {
  let cpu = 0;
  let requests = 0;
  for (const result of results) {
    const ms = result.cpuMs[process];
    if (ms === null) return null;
    cpu += ms;
    requests += result.ttft.length;
  }
  return cpu / requests;
}

async function measure(
  targets: Targets,
  streams: number,
): Promise<{ figures: Record<PathName, Figures>; rounds: RoundFigures[] }> {
  const paths: PathName[] = ['direct', 'relay'];
  // Connections for this concurrency are opened before anything is timed.
  for (const path of paths) await run(targets, path, streams, 20, 0, false);
  const ttft: Record<PathName, number[]> = { direct: [], relay: [] };
  const short: Record<PathName, RunResult[]> = { direct: [], relay: [] };
  for (let round = 0; round < ttftRounds(streams); round++) {
    for (const path of round % 2 === 0 ? paths : [...paths].reverse()) {
      const result = await run(targets, path, streams, 20, 0, false);
      ttft[path].push(...result.ttft);
      short[path].push(result);
    }
  }
  const paced: Record<PathName, RunResult[]> = { direct: [], relay: [] };
  const rounds: RoundFigures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const path of round % 2 === 0 ? paths : [...paths].reverse()) {
      const result = await run(targets, path, streams, latencyTokens(streams), PACE_MS, true);
      paced[path].push(result);
      rounds.push({
        round: round + 1,
        path,
        delayP99: p3(result.delays)[2],
        steadyP99: p3(result.steadyDelays)[2],
        setupMs: result.setupMs,
      });
    }
  }
  const unpaced: Record<PathName, RunResult> = {
    direct: await run(targets, 'direct', streams, throughputTokens(streams), 0, false),
    relay: await run(targets, 'relay', streams, throughputTokens(streams), 0, false),
  };
  const figures = {} as Record<PathName, Figures>;
  for (const path of paths) {
    const sortedTtft = ascending(ttft[path]);
    figures[path] = {
      ttftP50: percentile(sortedTtft, 50),
      ttftP95: percentile(sortedTtft, 95),
      delay: p3(paced[path].flatMap((r) => r.delays)),
      steady: p3(paced[path].flatMap((r) => r.steadyDelays)),
      setupMs: median(paced[path].map((r) => r.setupMs)),
      tokensPerSecond: (unpaced[path].tokens / unpaced[path].wallMs) * 1000,
      cpuPaced: [
        cpuPerToken(paced[path], 'client')!,
        cpuPerToken(paced[path], 'upstream')!,
        cpuPerToken(paced[path], 'trellis'),
      ],
      cpuUnpaced: cpuPerToken([unpaced[path]], 'trellis'),
      cpuPerRequest: [
        cpuPerRequest(short[path], 'client')!,
        cpuPerRequest(short[path], 'upstream')!,
        cpuPerRequest(short[path], 'trellis'),
      ],
    };
  }
  return { figures, rounds };
}

const fmt = (value: number | null, digits = 2) =>
  value !== null && Number.isFinite(value) ? value.toFixed(digits) : '';
const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${fmt(value, digits)}`;

function printTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const print = (cells: string[]) =>
    console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

function printFigures(all: Map<number, Record<PathName, Figures>>): void {
  const header = [
    'streams',
    'path',
    'TTFT p50 ms',
    'TTFT p95 ms',
    'delay p50 / p95 / p99 ms',
    `after set-up (token ${STARTUP_TOKENS}+) p50 / p95 / p99 ms`,
    'set-up ms',
    'tokens/s',
    'CPU µs/token paced: client / test server / Trellis',
    'Trellis CPU µs/token unpaced',
    'CPU ms/request (20 tokens): client / test server / Trellis',
  ];
  const lines: string[][] = [];
  const triple = (values: number[], digits = 3) => values.map((v) => fmt(v, digits)).join(' / ');
  const added = (a: number[], b: number[]) => a.map((v, i) => signed(v - b[i]!, 3)).join(' / ');
  for (const [streams, figures] of all) {
    const { direct, relay } = figures;
    for (const [name, f] of [
      ['direct', direct],
      ['relay', relay],
    ] as const) {
      lines.push([
        String(streams),
        name,
        fmt(f.ttftP50),
        fmt(f.ttftP95),
        triple(f.delay),
        triple(f.steady),
        fmt(f.setupMs, 1),
        fmt(f.tokensPerSecond, 0),
        f.cpuPaced.map((v) => fmt(v, 1)).join(' / '),
        fmt(f.cpuUnpaced, 1),
        f.cpuPerRequest.map((v) => fmt(v, 2)).join(' / '),
      ]);
    }
    lines.push([
      String(streams),
      '  added',
      signed(relay.ttftP50 - direct.ttftP50, 2),
      signed(relay.ttftP95 - direct.ttftP95, 2),
      added(relay.delay, direct.delay),
      added(relay.steady, direct.steady),
      signed(relay.setupMs - direct.setupMs, 1),
      '',
      '',
      '',
      '',
    ]);
  }
  printTable(header, lines);
}

function printRounds(all: Map<number, RoundFigures[]>): void {
  const header = [
    'streams',
    'round',
    'direct p99',
    'relay p99',
    'added p99',
    'added p99 after set-up',
    'set-up ms direct / relay',
  ];
  const lines: string[][] = [];
  for (const [streams, rounds] of all) {
    for (let round = 1; round <= ROUNDS; round++) {
      const direct = rounds.find((r) => r.round === round && r.path === 'direct')!;
      const relay = rounds.find((r) => r.round === round && r.path === 'relay')!;
      lines.push([
        String(streams),
        String(round),
        fmt(direct.delayP99, 3),
        fmt(relay.delayP99, 3),
        signed(relay.delayP99 - direct.delayP99, 3),
        signed(relay.steadyP99 - direct.steadyP99, 3),
        `${fmt(direct.setupMs, 1)} / ${fmt(relay.setupMs, 1)}`,
      ]);
    }
  }
  printTable(header, lines);
}

const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const loadAtStart = load();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-relay-'));
  let upstream: Upstream | null = null;
  let trellis: RunningServer | null = null;
  const figures = new Map<number, Record<PathName, Figures>>();
  const rounds = new Map<number, RoundFigures[]>();
  let clock = { offsetMs: Number.NaN, roundTripMs: Number.NaN };
  try {
    upstream = await Upstream.start();
    clock = await upstream.clockOffset();
    if (Math.abs(clock.offsetMs) > clock.roundTripMs) {
      throw new Error(`the two processes' monotonic clocks differ by ${clock.offsetMs.toFixed(3)} ms`);
    }
    trellis = await startTrellis(dataDir, { TRELLIS_WEB_DIST: path.join(dataDir, 'no-web-build') });
    const targets: Targets = {
      upstream,
      trellis,
      endpointId: await registerEndpoint(trellis.url, upstream.url),
    };
    // Warm both paths (JIT, connection pools) before measuring.
    for (const path of ['direct', 'relay'] as const) {
      await run(targets, path, 8, 2_000, 0, false);
      await run(targets, path, 8, 50, 2, true);
    }
    for (const streams of CONCURRENCY) {
      const measured = await measure(targets, streams);
      figures.set(streams, measured.figures);
      rounds.set(streams, measured.rounds);
    }
  } finally {
    await trellis?.stop();
    await upstream?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `Playground relay on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}; ` +
      `load average ${loadAtStart} at the start, ${load()} at the end.\n` +
      `Per-token delay from ${PACE_MS} ms/token streams (${CONCURRENCY.map((n) => `${latencyTokens(n)} tokens × ${n}`).join(', ')}), ` +
      `${ROUNDS} rounds per path, pooled; TTFT from 20-token requests ` +
      `(${CONCURRENCY.map((n) => `${ttftRounds(n)} rounds × ${n}`).join(', ')}); tokens/s unpaced ` +
      `(${CONCURRENCY.map((n) => `${throughputTokens(n)} × ${n}`).join(', ')}). Clocks of the test server and ` +
      `this process agree within ${Math.abs(clock.offsetMs).toFixed(3)} ms (read in a ${clock.roundTripMs.toFixed(3)} ms round trip).\n`,
  );
  printFigures(figures);
  console.log('\nEach paced round (p99 over every token of the round):\n');
  printRounds(rounds);
}

await main();
