import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SERVER = path.join(import.meta.dirname, '..');
const MAIN = path.join(SERVER, 'main.ts');
const CLI = path.join(SERVER, 'cli', 'main.ts');

/** A process of a team deployment started for a test or a benchmark, its output kept. */
export interface TeamProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the process has exited. */
  exited(): Promise<unknown>;
}

function track(child: ChildProcess): TeamProcess {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return {
    child,
    output: () => output,
    exited: () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once('exit', resolve)),
  };
}

async function waitForOutput(
  process: TeamProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pattern.exec(process.output());
    if (found) return found;
    if (process.child.exitCode !== null) throw new Error(`the process exited: ${process.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface TeamOptions {
  databaseUrl: string;
  /** TRELLIS_ENDPOINTS for the web server, e.g. `simulated=http://127.0.0.1:8000/v1`. */
  endpoints: string;
  env?: Record<string, string>;
}

/** A team web server (runs on workers) on a free port, its API's base URL once it serves. */
export async function startTeamWeb(
  options: TeamOptions,
): Promise<TeamProcess & { api: string; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-team-web-'));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      TRELLIS_PORT: '0',
      TRELLIS_DATA_DIR: dataDir,
      TRELLIS_DISCOVERY: '0',
      TRELLIS_DATABASE_URL: options.databaseUrl,
      TRELLIS_EXECUTION: 'workers',
      TRELLIS_ENDPOINTS: options.endpoints,
      TRELLIS_WEB_DIST: path.join(dataDir, 'no-web-build'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const web = track(child);
  const found = await waitForOutput(web, /serving UI and API at (http:\/\/\S+?)\/? /, 60_000);
  return { ...web, api: `${found[1]!.replace(/\/$/, '')}/api`, dataDir };
}

/** A `trellis worker` process, resolved once it takes runs. */
export async function startTeamWorker(
  options: Omit<TeamOptions, 'endpoints'> & { concurrency: number; name: string },
): Promise<TeamProcess & { id: string; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-team-worker-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'worker', '--concurrency', String(options.concurrency), '--name', options.name],
    {
      env: {
        ...process.env,
        TRELLIS_DISCOVERY: '0',
        TRELLIS_DATABASE_URL: options.databaseUrl,
        TRELLIS_DATA_DIR: dataDir,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const worker = track(child);
  const found = await waitForOutput(worker, /(wk_[0-9a-f]+) taking up to/, 60_000);
  return { ...worker, id: found[1]!, dataDir };
}
