import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { expect, snap, test } from './fixtures.ts';

/**
 * A team server of its own (TRELLIS_AUTH=accounts, its first admin from TRELLIS_ADMIN_PASSWORD), beside the
 * single-user server the other specs use, on the next port but one.
 */
const PORT = Number(process.env.E2E_ACCOUNTS_PORT ?? Number(process.env.E2E_TRELLIS_PORT ?? 14317) + 2);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const DATA_DIR = `test-results/e2e-accounts-data-${PORT}`;
const ADMIN_PASSWORD = 'correct horse battery';

let server: ChildProcess | null = null;

test.use({ baseURL: ORIGIN });

test.beforeAll(async () => {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  let output = '';
  server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env,
      TRELLIS_PORT: String(PORT),
      TRELLIS_HOST: '127.0.0.1',
      TRELLIS_DATA_DIR: DATA_DIR,
      TRELLIS_DISCOVERY: '0',
      TRELLIS_AUTH: 'accounts',
      TRELLIS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  server.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the accounts server exited: ${output}`);
    const up = await fetch(`${ORIGIN}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the accounts server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

test.afterAll(async () => {
  const child = server;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
});

test('an admin signs in, creates an API token that works for scripts, revokes it, and signs out', async ({
  page,
}) => {
  await page.goto('/runs');
  const form = page.getByRole('form', { name: 'Sign in' });
  await expect(form.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await snap(page, 'accounts-sign-in');

  await form.getByLabel('User name').fill('admin');
  await form.getByLabel('Password').fill('not the password');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.getByRole('alert')).toContainText('wrong user name or password');

  await form.getByLabel('Password').fill(ADMIN_PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === 'trellis_session')).toMatchObject({
    httpOnly: true,
    sameSite: 'Lax',
  });

  const menu = page.getByRole('button', { name: /admin/ });
  await menu.click();
  await page.getByRole('menuitem', { name: 'API tokens' }).click();
  await expect(page).toHaveURL(/\/account\/tokens$/);
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await expect(page.getByText('No tokens yet.')).toBeVisible();

  const newToken = page.getByRole('region', { name: 'New token' });
  await newToken.getByLabel('Name').fill('nightly evals');
  await newToken.getByLabel('Expires').selectOption({ label: '90 days' });
  await newToken.getByRole('button', { name: 'Create token' }).click();
  const secret = (await newToken.getByTestId('secret').textContent()) ?? '';
  expect(secret).toMatch(/^trl_[\w-]{43}$/);
  const table = page.getByRole('table', { name: 'Your API tokens' });
  await expect(table.getByRole('row', { name: /nightly evals/ })).toContainText('never');
  await snap(page, 'accounts-tokens');

  // What a script does with it: the API answers as the admin, and the list then shows the token used.
  const asScript = await fetch(`${ORIGIN}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(asScript.status).toBe(200);
  expect((await asScript.json()).user).toMatchObject({ name: 'admin', role: 'admin' });
  await page.reload();
  await expect(
    table
      .getByRole('row', { name: /nightly evals/ })
      .getByRole('cell')
      .nth(2),
  ).not.toHaveText('never');

  page.once('dialog', (dialog) => void dialog.accept());
  await table
    .getByRole('row', { name: /nightly evals/ })
    .getByRole('button', { name: 'Revoke' })
    .click();
  await expect(page.getByText('No tokens yet.')).toBeVisible();
  const revoked = await fetch(`${ORIGIN}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(revoked.status).toBe(401);
  expect((await revoked.json()).error.code).toBe('invalid_token');

  await menu.click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await page.goto('/runs');
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
});

test('an admin adds a viewer, who reads but cannot start anything', async ({ page }) => {
  await page.goto('/users');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('User name').fill('admin');
  await form.getByLabel('Password').fill(ADMIN_PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();

  const newUser = page.getByRole('region', { name: 'New user' });
  await newUser.getByLabel('User name').fill('vera');
  await newUser.getByLabel('Role').selectOption('viewer');
  await newUser.getByRole('button', { name: 'Add user' }).click();
  const password = (await newUser.getByTestId('secret').textContent()) ?? '';
  expect(password).toMatch(/^[\w-]{24}$/);
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /vera/ })).toContainText(
    'active',
  );
  await snap(page, 'accounts-users');

  const signIn = await fetch(`${ORIGIN}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vera', password }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect((await fetch(`${ORIGIN}/api/runs`, { headers: { cookie } })).status).toBe(200);
  const start = await fetch(`${ORIGIN}/api/runs`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ taskId: 'notes_pin_1', graph: {} }),
  });
  expect(start.status).toBe(403);
  expect((await start.json()).error.message).toContain("'vera' is a viewer");
});
