import fs from 'node:fs';
import { expect, type SimulatedModel, snap, startSimulatedModel, test } from './fixtures.ts';

/**
 * A researcher without a GPU runs the three-roles study's ablation on the dev split against the simulated model:
 * creates it from the Experiments page with the ablation template, watches it progress, reads the report, opens
 * a failed cell's run, and downloads every run's outcome as CSV — labelled as simulated throughout.
 */

const ENDPOINT = 'simulated ablation';
const SIMULATED_LABEL = 'simulated model — not a real model’s result';

let simulated: SimulatedModel;

test.beforeAll(async () => {
  // Unpaced: 228 runs take a while on two CPUs all the same (the sandbox runs every action).
  simulated = await startSimulatedModel(['--time-scale', '0', '--seed', '7']);
});

test.afterAll(async () => {
  await simulated?.close();
});

test('runs the ablation on the dev split against the simulated model, reads the report, opens a failed run and exports CSV', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const existing = (await (await request.get('/api/endpoints')).json()) as { id: string; name: string }[];
  for (const endpoint of existing.filter((e) => e.name === ENDPOINT)) {
    expect((await request.delete(`/api/endpoints/${endpoint.id}`)).ok()).toBe(true);
  }
  const created = await request.post('/api/endpoints', {
    data: { name: ENDPOINT, baseUrl: simulated.url, kind: 'vllm', defaultModel: 'simulated-small' },
  });
  expect(created.status(), await created.text()).toBe(201);

  // The form: the ablation template on the dev split, on the simulated model.
  const listed = page.waitForResponse(
    (r) => r.request().method() === 'GET' && r.url().endsWith('/api/experiments'),
  );
  await page.goto('/experiments');
  await listed;
  // The form opens by itself while there is no experiment yet, else behind its button.
  const form = page.getByRole('form', { name: 'New experiment' });
  const newButton = page.getByRole('button', { name: 'New experiment' });
  await expect(form.or(newButton).first()).toBeVisible();
  if (!(await form.isVisible())) await newButton.click();
  await form.getByLabel('Arm 1 endpoint').selectOption({ label: `${ENDPOINT} (simulated)` });
  await form.getByRole('button', { name: 'Ablation (4 presets)' }).click();
  await expect(form.getByRole('group', { name: /^Arm \d$/ })).toHaveCount(4);
  await form.getByLabel('Split').selectOption('dev');
  await expect(form.getByTestId('run-count')).toHaveText('4 arms × 57 tasks × 1 repeat = 228 runs');
  await snap(page, 'experiment-form');
  await form.getByRole('button', { name: 'Start experiment' }).click();

  // Progress: live, with a rate, and labelled as simulated.
  await expect(page).toHaveURL(/\/experiments\/exp_/);
  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(progress.getByRole('progressbar', { name: 'Runs done' })).toBeVisible();
  await expect(progress.getByTestId('experiment-progress')).toContainText('per minute', { timeout: 60_000 });
  await expect(page.getByTestId('test-double-notice').first()).toBeVisible();
  await snap(page, 'experiment-running');
  await expect(progress.getByTestId('experiment-done')).toContainText('228 of 228', { timeout: 240_000 });
  await expect(page.getByTestId('experiment-stream')).toHaveText('finished', { timeout: 30_000 });

  // The report: the paper's table for the four arms, the comparisons, the charts and the matrix.
  const table = page.getByTestId('report-table');
  for (const arm of ['ReAct baseline', 'Summarizer only', 'Corrector only', 'Three roles']) {
    await expect(table).toContainText(arm);
  }
  await expect(page.getByRole('region', { name: 'Goal completion' })).toContainText(SIMULATED_LABEL);
  const comparisons = page.getByRole('region', { name: 'Comparisons' });
  await expect(comparisons).toContainText(/significant/);
  await expect(page.getByRole('region', { name: 'Charts' }).locator('canvas').first()).toBeVisible();
  await snap(page, 'experiment-report');

  // A failed cell opens its run.
  const matrix = page.getByRole('region', { name: 'Tasks by arm' });
  await matrix.scrollIntoViewIfNeeded();
  const failed = matrix.locator('a.matrix-cell.outcome-none').first();
  await expect(failed).toBeVisible();
  await snap(page, 'experiment-matrix');
  await failed.click();
  await expect(page).toHaveURL(/\/runs\/run_/);
  await expect(page.getByRole('region', { name: 'Run', exact: true }).getByTestId('run-status')).toHaveText(
    /Failed|Errored/,
  );
  await page.goBack();

  // Every run's outcome as CSV, one row per run, marked simulated.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-simulated\.csv$/);
  const csv = fs
    .readFileSync((await file.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toContain('simulated');
  expect(csv).toHaveLength(229);
  const simulatedColumn = csv[0]!.split(',').indexOf('simulated');
  expect(new Set(csv.slice(1).map((line) => line.split(',')[simulatedColumn]))).toEqual(new Set(['true']));
});
