import type { Page } from '@playwright/test';
import { expect, type SimulatedModel, snap, startSimulatedModel, test } from './fixtures.ts';

/**
 * A newcomer without a GPU: start the simulated model, add it on the Endpoints page, run the three-roles preset on
 * a task from the canvas and watch it succeed with the summarizer's dropped credentials put back by pinning —
 * labelled, on every view of the endpoint and of the run, as a simulated model and not a real model's result.
 *
 * The canvas starts each run with a random seed. So that every seed gives the same story, the simulated model runs
 * with three rates pinned: its summarizer always drops credentials (which pinning restores), its corrector always
 * repairs a mistake the API docs cover, and it never completes a task early (a failure no role catches). Measured
 * on this task, every one of 300 seeds then succeeds with an artifact restored. It answers at a fifth of the
 * preset's speed, so the run takes seconds while still streaming.
 */

const TASK = 'event_contacts_1';
const ENDPOINT = 'no gpu';
const SIMULATED_LABEL = 'simulated model — not a real model’s result';

const runStatus = (page: Page) =>
  page.getByRole('region', { name: 'Run', exact: true }).getByTestId('run-status');

let simulated: SimulatedModel;

test.beforeAll(async () => {
  simulated = await startSimulatedModel([
    '--rate',
    'summaryDrop=1',
    '--rate',
    'correctorFix=1',
    '--rate',
    'premature=0',
    '--time-scale',
    '0.2',
  ]);
});

test.afterAll(async () => {
  await simulated?.close();
});

test('a newcomer adds the simulated model, runs three roles on a task from the canvas, and sees it labelled as simulated throughout', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  // An earlier attempt in the same data directory (a retry, --repeat-each) left its endpoint: start without it.
  const existing = (await (await request.get('/api/endpoints')).json()) as { id: string; name: string }[];
  for (const endpoint of existing.filter((e) => e.name === ENDPOINT)) {
    expect((await request.delete(`/api/endpoints/${endpoint.id}`)).ok()).toBe(true);
  }

  // Endpoints: the card and the checks say it is simulated.
  await page.goto('/endpoints');
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const form = page.getByRole('form', { name: 'Add endpoint' });
  await form.getByLabel('Name').fill(ENDPOINT);
  await form.getByLabel('Server').selectOption('vllm');
  await form.getByLabel('Base URL').fill(simulated.url);
  await form.getByLabel('Default model').fill('simulated-small');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form).toBeHidden();
  const card = page.getByRole('article', { name: `Endpoint ${ENDPOINT}` });
  await expect(card.getByTestId('health-status')).toHaveText('Healthy');
  await expect(card.getByRole('list', { name: 'Served models' })).toContainText('simulated-small');
  await expect(card.getByRole('note')).toContainText('Simulated model — not a real model’s result');
  const checks = page.getByRole('status', { name: `Checks for ${ENDPOINT}` });
  await expect(checks).toContainText('Saved after checking the connection');
  await expect(checks.getByTestId('test-double-tag')).toHaveText(SIMULATED_LABEL);
  await snap(page, 'simulated-endpoint');

  // Canvas: the three-roles preset on a task, every node on the simulated model.
  await page.getByRole('link', { name: 'Canvas' }).click();
  await page.getByRole('button', { name: 'File ▾' }).click();
  await page.getByTestId('preset-three-roles').click();
  await expect(page.getByTestId('node-corrector')).toBeVisible();
  await page.getByLabel('Run endpoint').selectOption({ label: `${ENDPOINT} (simulated)` });
  await page.getByRole('button', { name: /^Task/ }).click();
  const picker = page.getByRole('dialog', { name: 'Choose a task' });
  await picker.getByLabel('Search tasks').fill(TASK);
  await picker.getByRole('button').filter({ hasText: TASK }).first().click();
  await expect(picker).toBeHidden();
  const starting = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith('/api/runs'),
  );
  await page.getByRole('button', { name: '▶ Run' }).click();
  const runId = ((await (await starting).json()) as { id: string }).id;

  // The live run under the canvas says whose replies it shows, and succeeds.
  const panel = page.getByRole('region', { name: 'Live run' });
  await expect(panel.getByTestId('test-double-tag')).toHaveText(SIMULATED_LABEL);
  await expect(panel.locator('.run-panel-head').getByTestId('run-status')).toHaveText('Succeeded', {
    timeout: 90_000,
  });
  await snap(page, 'simulated-canvas-run');

  // The run page: solved, labelled, and the step where pinning put back what the summarizer dropped.
  await panel.getByRole('link', { name: 'Open run page →' }).click();
  await expect(runStatus(page)).toHaveText('Succeeded');
  const header = page.getByRole('region', { name: 'Run', exact: true });
  await expect(header.getByTestId('test-double-tag')).toHaveText(SIMULATED_LABEL);
  await expect(header).toContainText('model simulated-small');
  await expect(page.getByTestId('evaluation')).toContainText('Task solved');
  const events = (await (await request.get(`/api/runs/${runId}/events?compact=1`)).json()) as {
    type: string;
    step?: number;
    artifactsRestored?: string[];
  }[];
  const restoredAt = events.find((e) => e.type === 'summary.applied' && e.artifactsRestored?.length)?.step;
  expect(restoredAt, 'a summary whose dropped artifacts pinning restored').toBeDefined();
  await page.getByRole('button', { name: new RegExp(`^Step ${restoredAt}:`) }).click();
  const summary = page
    .getByRole('region', { name: 'Run trace' })
    .getByRole('article', { name: 'Summary applied' });
  await expect(summary.first()).toContainText('restored by pinning');
  await snap(page, 'simulated-run');

  // The Runs list: the row names the model and marks it simulated.
  await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
  const row = page.locator('tr.run-row').filter({ hasText: TASK }).first();
  await expect(row).toContainText('simulated-small');
  await expect(row.getByTestId('test-double-tag')).toHaveAttribute('title', SIMULATED_LABEL);
  await expect(page.getByTestId('test-double-notice')).toContainText('the runs marked simulated');
  await snap(page, 'simulated-runs');

  // The Playground: replies from this endpoint carry the same notice.
  await page.getByRole('link', { name: 'Playground' }).click();
  await page.getByLabel('Endpoint', { exact: true }).selectOption({ label: ENDPOINT });
  await expect(page.getByRole('region', { name: 'Completion' }).getByRole('note')).toContainText(
    'Simulated model — not a real model’s result',
  );
  await page.getByLabel('User message').fill('Which apps can you use?');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('stream-status')).toHaveText('Finished');
  await snap(page, 'simulated-playground');
});
