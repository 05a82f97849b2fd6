import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  /** The server's process id. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the real Trellis server (serving the built web app) on a data directory and waits until it answers.
 * `root` is the checkout whose server runs (another commit's, to measure side by side), by default this one.
 */
export async function startTrellis(
  dataDir: string,
  env: Record<string, string> = {},
  root = process.cwd(),
): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TRELLIS_DATA_DIR: dataDir,
      TRELLIS_PORT: String(port),
      TRELLIS_HOST: '127.0.0.1',
      TRELLIS_DISCOVERY: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return { url, pid: child.pid!, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error('the server did not answer /api/health within 60 s');
}
