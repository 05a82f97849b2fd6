import { test as base, expect } from '@playwright/test';

export const TEST_SERVER = `http://127.0.0.1:${process.env.E2E_TEST_SERVER_PORT ?? 18001}`;

/**
 * Every test fails if the app requests anything but its own origin (no CDN, no telemetry, no fonts).
 */
export const test = base.extend<{ foreignRequests: string[] }>({
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
