import type { Page } from '@playwright/test';
import { expect, resetTestServer, snap, test } from './fixtures.ts';
import { addEndpointInUi, scriptModel, threeTurns } from './scenarios.ts';

/**
 * The whole first session of a new user, through the UI only: register the inference server, open the
 * three-roles preset, point it at the server, run a task from the canvas, watch the trace stream, inspect the
 * corrector's diff and the summarizer's before/after, reload, and find the run again in the Runs list. The
 * scripted test server stands in for the model; everything else is the real server, engine and built-in world.
 */

const TASK = 'notes_pin_1';

const runStatus = (page: Page) =>
  page.getByRole('region', { name: 'Run', exact: true }).getByTestId('run-status');

test.beforeEach(async () => {
  await resetTestServer();
});

test('a new user runs the three-roles preset from the canvas and inspects every role side by side', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await scriptModel(threeTurns({ words: 120, paceMs: 60 }));
  await addEndpointInUi(page, 'first gpu');
  await expect(
    page.getByRole('article', { name: 'Endpoint first gpu' }).getByTestId('health-status'),
  ).toHaveText('Healthy');

  // Design: the preset, pointed at the endpoint, three steps, the summarizer every second turn.
  await page.getByRole('link', { name: 'Canvas' }).click();
  await page.getByRole('button', { name: 'File ▾' }).click();
  await page.getByTestId('preset-three-roles').click();
  await expect(page.getByTestId('node-corrector')).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Default endpoint').selectOption({ label: 'first gpu' });
  await page.getByLabel('Max steps').fill('3');
  await page.getByTestId('node-summarizer').getByText('Summarizer', { exact: true }).first().click();
  const summarizer = page.getByRole('region', { name: 'Summarizer settings' });
  await summarizer.getByLabel('Trigger').selectOption('turns');
  await summarizer.getByRole('spinbutton', { name: 'Every N turns' }).fill('2');
  await summarizer.getByLabel('Keep last turns').fill('0');
  // The side panel took part of the canvas: the graph was framed again and every node is still in view.
  // The canvas is measured at each poll with its nodes: read once, it could be from before the panel settled.
  for (const id of ['summarizer', 'agent', 'corrector', 'executor']) {
    await expect
      .poll(async () => {
        const canvas = (await page.getByTestId('canvas').boundingBox())!;
        const box = (await page.getByTestId(`node-${id}`).boundingBox())!;
        return box.x >= canvas.x && box.x + box.width <= canvas.x + canvas.width;
      })
      .toBe(true);
  }
  await snap(page, 'canvas');

  // Run on a task chosen from the picker; the active node lights up and tokens stream into the live trace.
  await page.getByRole('button', { name: /^Task/ }).click();
  const picker = page.getByRole('dialog', { name: 'Choose a task' });
  await picker.getByLabel('Search tasks').fill(TASK);
  await picker.getByRole('button').filter({ hasText: TASK }).first().click();
  await page.getByRole('button', { name: '▶ Run' }).click();
  const panel = page.getByRole('region', { name: 'Live run' });
  await expect(panel).toBeVisible();
  await expect(page.locator('.tnode[data-active]')).toHaveCount(1);
  const output = panel.locator('.trace-call .llm-output').first();
  await expect(output).toContainText('Let me log in');
  const early = (await output.textContent())?.length ?? 0;
  await expect.poll(async () => (await output.textContent())?.length ?? 0).toBeGreaterThan(early);
  await snap(page, 'canvas-live-run');

  // The run page follows the same run live, to its end.
  await panel.getByRole('link', { name: /Open run page/ }).click();
  await expect(page).toHaveURL(/\/runs\/run_/);
  const runUrl = page.url();
  await expect(page.getByRole('heading', { name: 'Three roles' })).toBeVisible();
  // The agent's first call is still streaming: the totals count it apart until its response arrives.
  await expect(
    page.getByRole('region', { name: 'Totals per role' }).locator('tr[data-role="agent"]'),
  ).toContainText('+1 streaming');
  await snap(page, 'run-live');
  await expect(runStatus(page)).toHaveText('Failed', { timeout: 120_000 });
  const trace = page.getByRole('region', { name: 'Run trace' });
  await expect(trace.getByText('Step 3', { exact: true })).toBeVisible();

  // Step 2: the agent's repeated code beside the corrector's fix, then as a diff.
  await page.getByRole('button', { name: /^Step 2:/ }).click();
  await page.getByRole('tab', { name: 'Outputs' }).click();
  await expect(page.getByRole('region', { name: 'agent output' })).toContainText('undefined_name');
  await expect(page.getByRole('region', { name: 'corrector output' })).toContainText("print('fixed')");
  await snap(page, 'step-outputs');
  await page.getByRole('tab', { name: 'Corrector diff' }).click();
  const diff = page.getByTestId('code-diff');
  await expect(diff.locator('.editor.original .view-lines')).toContainText('undefined_name', {
    timeout: 30_000,
  });
  await expect(diff.locator('.editor.modified .view-lines')).toContainText("print('fixed')");
  await snap(page, 'step-corrector-diff');

  // Step 3: what the summarizer read beside what it wrote; the dropped password is put back by pinning.
  await page.getByRole('button', { name: /^Step 3:/ }).click();
  await page.getByRole('tab', { name: 'Summarizer' }).click();
  await expect(page.getByRole('region', { name: 'Summarizer input' })).toContainText('undefined_name');
  const after = page.getByRole('region', { name: 'Summarizer output' });
  await expect(after).toContainText('Logged in twice');
  await expect(after.locator('mark.fate-restored').first()).toHaveText('hunter22');
  await snap(page, 'step-summarizer');
  await page.getByRole('tab', { name: 'Observation' }).click();
  await expect(page.getByRole('region', { name: 'Executed code' })).toContainText("print('done')");
  await snap(page, 'step-observation');

  // A reload shows the same run, and the Runs list opens it again.
  const counts = await page.locator('.trace-card-head .muted').first().textContent();
  await page.reload();
  await expect(runStatus(page)).toHaveText('Failed');
  await expect(page.locator('.trace-card-head .muted').first()).toHaveText(counts ?? '');
  await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
  await expect(page).toHaveURL(/\/runs$/);
  const row = page.locator('tr.run-row', { has: page.getByText(TASK, { exact: true }) }).first();
  await row.getByRole('link', { name: 'Three roles' }).click();
  await expect(page).toHaveURL(runUrl);
  await expect(trace.getByText('Step 3', { exact: true })).toBeVisible();
  await expect(page.locator('.trace-card-head .muted').first()).toHaveText(counts ?? '');
});
