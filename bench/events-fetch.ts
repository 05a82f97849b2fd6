/**
 * Event fetching benchmark: `GET /api/runs/:id/events` (the whole trace as JSON, full and `?compact=1`) over HTTP
 * from a real listening server, for a synthetic 5,000-event three-role run sized like a real one. With
 * EVENTS_BASELINE_DIR (a checkout of another commit, its node_modules linked) it starts that commit's server on
 * the same data as well and alternates requests between the two, so both see the same machine load.
 *
 *   node --import tsx bench/events-fetch.ts
 *   EVENTS_BASELINE_DIR=/tmp/trellis-base EVENTS_ROUNDS=31 node --import tsx bench/events-fetch.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedSyntheticRun } from './seed-run.ts';
import { type RunningServer, startTrellis } from './server.ts';

const STEPS = Number(process.env.EVENTS_STEPS ?? 200);
const EVENTS = Number(process.env.EVENTS_EVENTS ?? 5_000);
const ROUNDS = Number(process.env.EVENTS_ROUNDS ?? 21);
const BASELINE_DIR = process.env.EVENTS_BASELINE_DIR;
const TARGET_MS = 50;

/** Request sent to last byte received, in ms, and the body's size. */
async function fetchOnce(url: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await response.arrayBuffer();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return { ms, bytes: body.byteLength };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-events-fetch-'));
  const seeded = await seedSyntheticRun(dataDir, STEPS, EVENTS);
  const servers: { name: string; server: RunningServer }[] = [];
  try {
    servers.push({ name: 'this build', server: await startTrellis(dataDir) });
    if (BASELINE_DIR) {
      servers.push({ name: 'baseline', server: await startTrellis(dataDir, {}, BASELINE_DIR) });
    }
    const variants = [
      { name: 'full', query: '' },
      { name: 'compact', query: '?compact=1' },
    ];
    const times = new Map<string, number[]>();
    const sizes = new Map<string, number>();
    const bodies = new Map<string, string>();
    console.log(
      `Event fetch: GET /api/runs/:id/events of a finished run of ${STEPS} steps and ${seeded.eventCount} events, ` +
        `${ROUNDS} rounds (the first is reported apart), requests alternating between servers`,
    );
    if (BASELINE_DIR) console.log(`baseline: the server in ${BASELINE_DIR}`);
    console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
    console.log(`load average at the start: ${loadAverage()}\n`);
    for (let round = 0; round < ROUNDS; round++) {
      // The order rotates each round, so neither server always goes first.
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const variant of variants) {
        for (const { name, server } of order) {
          const key = `${name}|${variant.name}`;
          const url = `${server.url}/api/runs/${seeded.runId}/events${variant.query}`;
          const { ms, bytes } = await fetchOnce(url);
          if (!times.has(key)) times.set(key, []);
          times.get(key)!.push(ms);
          sizes.set(key, bytes);
          if (round === 0) bodies.set(key, await (await fetch(url)).text());
        }
      }
    }
    // Same bytes from both servers: the response is unchanged, only how it is produced.
    for (const variant of variants) {
      const texts = servers.map(({ name }) => bodies.get(`${name}|${variant.name}`));
      if (texts.some((t) => t !== texts[0])) throw new Error(`the ${variant.name} responses differ`);
      const parsed = JSON.parse(texts[0]!) as unknown[];
      if (variant.name === 'full' && parsed.length !== seeded.eventCount) {
        throw new Error(`the full response has ${parsed.length} events, not ${seeded.eventCount}`);
      }
    }
    const header = [
      'view',
      'measure',
      ...servers.map((s) => s.name),
      ...(BASELINE_DIR ? ['ratio'] : []),
      'target',
    ];
    const rows: string[][] = [];
    for (const variant of variants) {
      const warm = (name: string) => times.get(`${name}|${variant.name}`)!.slice(1);
      const first = (name: string) => times.get(`${name}|${variant.name}`)![0]!;
      const measures: [string, (name: string) => number, string][] = [
        ['first request (ms)', first, ''],
        ['median of the rest (ms)', (n) => percentile(warm(n), 50), `< ${TARGET_MS}`],
        ['p90 (ms)', (n) => percentile(warm(n), 90), ''],
        ['slowest (ms)', (n) => Math.max(...warm(n)), ''],
      ];
      rows.push([
        variant.name,
        'body (bytes)',
        ...servers.map(({ name }) => sizes.get(`${name}|${variant.name}`)!.toLocaleString('en-US')),
        ...(BASELINE_DIR ? [''] : []),
        '',
      ]);
      for (const [label, value, target] of measures) {
        const figures = servers.map(({ name }) => value(name));
        const ratio = BASELINE_DIR ? [(figures[0]! / figures[1]!).toFixed(2)] : [];
        rows.push([
          variant.name,
          label,
          ...figures.map((f) => f.toFixed(1)),
          ...ratio,
          variant.name === 'full' ? target : '',
        ]);
      }
    }
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
    console.log(line(header));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of rows) console.log(line(row));
    console.log('\nEvery request (ms), in order:');
    for (const [key, list] of times)
      console.log(`${key.replace('|', ', ')}: ${list.map((t) => t.toFixed(0)).join(' ')}`);
    console.log(`\nload average at the end: ${loadAverage()}`);
  } finally {
    for (const { server } of servers) await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
