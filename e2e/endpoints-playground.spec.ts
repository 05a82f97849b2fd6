import { expect, resetTestServer, snap, TEST_SERVER, test } from './fixtures.ts';
import { addEndpointInUi } from './scenarios.ts';

/** Makes the test server answer as one still loading its model, or ready again. */
async function setLoading(loading: boolean): Promise<void> {
  const response = await fetch(`${TEST_SERVER}/__loading`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loading }),
  });
  expect(response.ok).toBe(true);
}

test.beforeEach(async () => {
  await resetTestServer();
});

test('a new user registers the test server and sees it healthy with its model', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Endpoints' })).toBeVisible();
  await addEndpointInUi(page, 'scripted vllm');
  const card = page.getByRole('article', { name: 'Endpoint scripted vllm' });
  await expect(card.getByTestId('health-status')).toHaveText('Healthy');
  await expect(card.getByRole('list', { name: 'Served models' })).toContainText('qwen3-8b');
  await expect(card.getByLabel('Server metrics')).toContainText('Running');
  await expect(card.getByRole('note')).toContainText('Scripted test server');
});

test('after registering, the page lists what was checked until dismissed', async ({ page }) => {
  await addEndpointInUi(page, 'checked vllm');
  const checks = page.getByRole('status', { name: 'Checks for checked vllm' });
  await expect(checks).toContainText('Saved after checking the connection');
  await expect(checks).toContainText('scripted test server');
  await expect(checks.getByRole('listitem')).toHaveText([
    /^✓Server.*\/v1\/models listed 1 model$/,
    /^✓Model'qwen3-8b' is among the served models$/,
    /^✓API keythe server needs no API key: POST \/chat\/completions for 'qwen3-8b'/,
  ]);
  await expect(checks.getByRole('img', { name: 'passed' })).toHaveCount(3);
  await snap(page, 'endpoint-checks');
  await checks.getByRole('button', { name: 'Dismiss' }).click();
  await expect(checks).toBeHidden();
  await expect(page.getByRole('article', { name: 'Endpoint checked vllm' })).toBeVisible();
});

test('a server still loading its model is saved with what could not be checked', async ({ page }) => {
  await setLoading(true);
  try {
    await addEndpointInUi(page, 'loading vllm');
    const checks = page.getByRole('status', { name: 'Checks for loading vllm' });
    await expect(checks).toContainText('Saved; 2 of 3 could not be checked');
    await expect(checks.getByRole('listitem')).toHaveText([
      /^✓Server.*\/v1\/models answered HTTP 503: up, the server is still loading its model$/,
      '!API key — not checkednot checked whether the server needs an API key: the server is still loading its model',
      "!Model — not checkednot checked whether 'qwen3-8b' is served: the server is still loading its model",
    ]);
    await expect(checks.getByRole('img', { name: 'not checked' })).toHaveCount(2);
    await snap(page, 'endpoint-checks-loading');
  } finally {
    await setLoading(false);
  }
});

test('an edit that keeps the connection says nothing was checked again', async ({ page }) => {
  await addEndpointInUi(page, 'renamed vllm');
  await page
    .getByRole('article', { name: 'Endpoint renamed vllm' })
    .getByRole('button', { name: 'Edit' })
    .click();
  const form = page.getByRole('form', { name: 'Save changes' });
  await form.getByLabel('Name').fill('renamed vllm 2');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toBeHidden();
  const checks = page.getByRole('status', { name: 'Checks for renamed vllm 2' });
  await expect(checks).toContainText('nothing was checked again');
  await expect(checks.getByRole('listitem')).toHaveCount(0);
  await snap(page, 'endpoint-checks-edit');
});

test('an endpoint saved without the check says nothing was checked', async ({ page }) => {
  await page.goto('/endpoints');
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const form = page.getByRole('form', { name: 'Add endpoint' });
  await form.getByLabel('Name').fill('offline');
  await form.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
  await form.getByLabel('Check the connection before saving').uncheck();
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form).toBeHidden();
  const checks = page.getByRole('status', { name: 'Checks for offline' });
  await expect(checks).toContainText('Saved without checking the connection');
  await expect(checks).toContainText('the server, the model and the API key were not checked');
  await snap(page, 'endpoint-checks-skipped');
});

test('a malformed URL and an unreachable server are refused with the cause', async ({ page }) => {
  await page.goto('/endpoints');
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const form = page.getByRole('form', { name: 'Add endpoint' });
  await form.getByLabel('Name').fill('broken');
  await form.getByLabel('Base URL').fill('gpu-host:8000');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form.getByRole('alert')).toContainText('absolute http');
  await form.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form.getByRole('alert')).toContainText('127.0.0.1:9');
});

test('streams a completion with reasoning into the Playground', async ({ page }) => {
  await addEndpointInUi(page, 'playground vllm');
  await page.getByRole('link', { name: 'Playground' }).click();
  await expect(page.getByRole('heading', { name: 'Playground' })).toBeVisible();
  await page.getByLabel('Endpoint', { exact: true }).selectOption({ label: 'playground vllm' });
  await page.getByLabel('User message').fill('Name three prime numbers.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('reasoning')).not.toBeEmpty();
  await expect(page.getByTestId('stream-status')).toHaveText('Finished');
  await expect(page.getByTestId('answer')).not.toHaveText('');
  await expect(page.getByTestId('finish-reason')).toHaveText('stop');
  await expect(page.getByTestId('ttft')).toHaveText(/\d+ ms/);
  await expect(page.getByTestId('usage')).toHaveText(/\d+ \/ \d+/);
  const reasoning = await page.getByTestId('reasoning').textContent();
  const answer = await page.getByTestId('answer').textContent();
  expect(answer).not.toContain(reasoning ?? '');
});

test('Stop aborts a stream mid-way, upstream included', async ({ page }) => {
  await addEndpointInUi(page, 'stoppable');
  await page.goto('/playground');
  await page.getByLabel('Endpoint', { exact: true }).selectOption({ label: 'stoppable' });
  await page.getByLabel('User message').fill('Tell me a long story #tokens:2000 #pace:20');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('stream-status')).toHaveText('Streaming');
  await expect(page.getByTestId('answer')).not.toBeEmpty();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('stream-status')).toHaveText('Stopped');
  const length = (await page.getByTestId('answer').textContent())?.length ?? 0;
  await page.waitForTimeout(500);
  expect((await page.getByTestId('answer').textContent())?.length).toBe(length);
  await expect
    .poll(async () => {
      const requests = (await (await fetch(`${TEST_SERVER}/__requests`)).json()) as { outcome?: string }[];
      return requests.at(-1)?.outcome;
    })
    .toBe('client_closed');
});

test('an endpoint whose stream fails mid-way shows a clear error', async ({ page }) => {
  await addEndpointInUi(page, 'flaky');
  await page.goto('/playground');
  await page.getByLabel('Endpoint', { exact: true }).selectOption({ label: 'flaky' });
  await page.getByLabel('User message').fill('Start then fail #fault:mid_stream_error');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('stream-status')).toHaveText('Failed');
  await expect(page.getByRole('alert')).toContainText(/Generation failed \(stream_error\)/);
});
