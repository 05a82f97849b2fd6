import { spawn } from 'node:child_process';
import { SseParser } from '../server/src/inference/sse.ts';
import { startTestServer } from '../server/src/testserver/server.ts';
const server = await startTestServer({ dialect: 'vllm', models: ['bench-model'] });
const prof = process.argv[2] === 'prof';
const child = spawn(process.execPath, [...(prof ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof5'] : []), '--import', 'tsx', 'bench/relay-server.ts', server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise<string>((resolve) => child.stdout!.on('data', (c: Buffer) => resolve(c.toString())));
const { url, endpointId } = JSON.parse(line) as { url: string; endpointId: string };
const cpu = async () => { const u = (await (await fetch(new URL('/bench/cpu', url))).json()) as { user: number; system: number }; return (u.user + u.system) / 1000; };
async function one() {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpointId, messages: [{ role: 'user', content: 'a #tokens:1' }] }) });
  const reader = res.body!.getReader(); const p = new SseParser();
  for (;;) { const c = await reader.read(); if (c.done) break; p.push(c.value); }
}
for (let r = 0; r < 10; r++) await Promise.all(Array.from({ length: 64 }, one));
const c0 = await cpu(); const t0 = performance.now();
for (let r = 0; r < 30; r++) await Promise.all(Array.from({ length: 64 }, one));
const c1 = await cpu();
console.log('relay cpu µs/request', (((c1 - c0) * 1000) / (30 * 64)).toFixed(0), 'wall ms/round', ((performance.now() - t0) / 30).toFixed(1));
child.kill('SIGTERM'); await new Promise((r) => setTimeout(r, 1500)); await server.close();
