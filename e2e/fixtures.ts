import { spawn } from 'node:child_process';
import { test as base, expect } from '@playwright/test';

export const TEST_SERVER = `http://127.0.0.1:${process.env.E2E_TEST_SERVER_PORT ?? 18001}`;

/**
 * Every test fails if the app requests anything but its own origin (no CDN, no telemetry, no fonts).
 */
export const test = base.extend<{ foreignRequests: string[]; pageErrors: string[] }>({
  /** Every test fails on an uncaught error in the page, naming it. */
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
      await use(errors);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
  foreignRequests: [
    async ({ page, baseURL }, use) => {
      const foreign: string[] = [];
      const origin = new URL(baseURL!).origin;
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:'))
          return route.continue();
        foreign.push(url);
        return route.abort();
      });
      await use(foreign);
      expect(foreign, 'requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Resets the scripted test server's queue and request log between tests. */
export async function resetTestServer(): Promise<void> {
  await fetch(`${TEST_SERVER}/__reset`, { method: 'POST' });
}

const SHOT_SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/**
 * With E2E_SCREENSHOTS=<dir>, saves what the page shows at 1280×800 and 1920×1080 as <dir>/<name>-<size>.png, to
 * look at the views a spec walks through; without it, does nothing.
 */
export async function snap(page: import('@playwright/test').Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  const original = page.viewportSize();
  for (const size of SHOT_SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(250);
    await page.screenshot({ path: `${dir}/${name}-${size.width}x${size.height}.png` });
  }
  if (original) await page.setViewportSize(original);
}

/** A simulated-model server the spec started, at the URL it serves (ending in /v1). */
export interface SimulatedModel {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the simulated model (`pnpm testserver --simulated …`) on a free port, as a newcomer without a GPU would,
 * with `args` after `--simulated small`; resolves once its start-up banner names the URL it serves.
 */
export async function startSimulatedModel(args: string[] = []): Promise<SimulatedModel> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/testserver/cli.ts', '--simulated', 'small', '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the simulated model did not start: ${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const found = /SIMULATED model .* at (http:\/\/\S+\/v1)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the simulated model exited (${code}): ${out}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
