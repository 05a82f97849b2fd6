import fs from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive the built web app served by the real Trellis server, which talks to the scripted
 * test inference server. No step downloads a browser: Playwright's own Chromium is used when installed,
 * otherwise the system one (CHROMIUM_PATH, or Debian's /usr/bin/chromium).
 */
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export const TRELLIS_PORT = Number(process.env.E2E_TRELLIS_PORT ?? 14317);
export const TEST_SERVER_PORT = Number(process.env.E2E_TEST_SERVER_PORT ?? 18001);

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    baseURL: `http://127.0.0.1:${TRELLIS_PORT}`,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `node --import tsx server/src/testserver/cli.ts --port ${TEST_SERVER_PORT} --dialect vllm --pace 15 --model qwen3-8b`,
      url: `http://127.0.0.1:${TEST_SERVER_PORT}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
    },
    {
      command: `rm -rf test-results/e2e-data-${TRELLIS_PORT} && node --import tsx server/src/main.ts`,
      url: `http://127.0.0.1:${TRELLIS_PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        TRELLIS_PORT: String(TRELLIS_PORT),
        TRELLIS_HOST: '127.0.0.1',
        TRELLIS_DATA_DIR: `test-results/e2e-data-${TRELLIS_PORT}`,
        TRELLIS_DISCOVERY: '0',
      },
    },
  ],
});
