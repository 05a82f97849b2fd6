import fs from 'node:fs';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import {
  expect,
  resetTestServer,
  type SimulatedModel,
  snap,
  startSimulatedModel,
  TEST_SERVER,
  test,
} from './fixtures.ts';
import { scriptModel } from './scenarios.ts';

/**
 * A newcomer without a GPU tunes a scaffold two ways against the simulated small and large models: an allocation
 * search over the three-roles graph (which model the agent runs on, and its output budget), then three rounds of
 * the optimiser on the ReAct baseline with a scripted meta-agent — labelled as simulated throughout.
 */

const SIMULATED = 'simulated small and large';
const META_AGENT = 'scripted meta-agent';
const SIMULATED_LABEL = 'simulated model — not a real model’s result';
const NOTICE = 'Simulated model — not a real model’s result';
/** Level-1 dev tasks of the built-in world. */
const DEV_TASKS = ['notes_pin_1', 'todo_complete_1', 'wallet_balance_1'];

let simulated: SimulatedModel;

test.beforeAll(async () => {
  // The CLI takes the last --simulated: both presets, served as simulated-small and simulated-large, unpaced.
  simulated = await startSimulatedModel(['--simulated', 'small,large', '--time-scale', '0', '--seed', '7']);
});

test.afterAll(async () => {
  await simulated?.close();
});

/** Registers an endpoint through the API, replacing one of the same name left by an earlier run. */
async function registerEndpoint(
  request: APIRequestContext,
  endpoint: { name: string; baseUrl: string; defaultModel: string },
): Promise<void> {
  const existing = (await (await request.get('/api/endpoints')).json()) as { id: string; name: string }[];
  for (const old of existing.filter((e) => e.name === endpoint.name)) {
    expect((await request.delete(`/api/endpoints/${old.id}`)).ok()).toBe(true);
  }
  const created = await request.post('/api/endpoints', { data: { ...endpoint, kind: 'vllm' } });
  expect(created.status(), await created.text()).toBe(201);
}

/** Opens a list page's form: it opens by itself while the list is empty, else behind its button. */
async function openForm(page: Page, path: string, name: string, api: string) {
  const listed = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(api));
  await page.goto(path);
  await listed;
  const form = page.getByRole('form', { name });
  const button = page.getByRole('button', { name });
  await expect(form.or(button).first()).toBeVisible();
  if (!(await form.isVisible())) await button.click();
  return form;
}

/** Picks an option of a segmented control by clicking its label, as a person does (the radio itself is hidden). */
async function choose(form: Locator, group: string, option: string): Promise<void> {
  const radios = form.getByRole('radiogroup', { name: group });
  await radios.getByText(option, { exact: true }).click();
  await expect(radios.getByRole('radio', { name: option })).toBeChecked();
}

test('searches which model and output budget the three-roles agent deserves, watches the trials land and saves the best', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await registerEndpoint(request, {
    name: SIMULATED,
    baseUrl: simulated.url,
    defaultModel: 'simulated-small',
  });

  const form = await openForm(page, '/searches', 'New search', '/api/searches');
  await form.getByRole('combobox', { name: 'Graph', exact: true }).selectOption({ label: 'Three roles' });
  await form
    .getByRole('combobox', { name: 'Endpoint · model for nodes binding none' })
    .selectOption({ label: `${SIMULATED} (simulated)` });
  await choose(form, 'Choose tasks by', 'By task ids');
  await form.getByRole('textbox', { name: 'Task ids' }).fill(DEV_TASKS.join('\n'));
  await expect(form.getByTestId('task-count')).toContainText('3 dev tasks in this set');

  // The agent's knobs: both simulated models, two output budgets.
  const agent = form.getByRole('group', { name: 'Knobs of agent' });
  // Named with their endpoint: other endpoints may serve a simulated-small of their own.
  const served = (model: string) =>
    agent.getByRole('checkbox', { name: new RegExp(`^${model}\\s*· ${SIMULATED} \\(simulated\\)$`) });
  await served('simulated-small').check();
  await served('simulated-large').check();
  await agent.getByLabel('Max output tokens').fill('1024, 1536');

  // Summarizer 512 + agent 1,536 at most + corrector 1,024 tokens, every model weighing 1: 4,096 admits them all.
  await form.getByLabel('Budget (declared cost per trial)').fill('4096');
  await expect(form.getByTestId('grid-count')).toContainText(
    '4 allocations in the grid, 4 within the budget',
  );
  await choose(form, 'Method', 'Random');
  await form.getByRole('spinbutton', { name: /^Trials/ }).fill('3');
  // One allocation per round, so the trials land one after another.
  await form.getByRole('spinbutton', { name: /^Batch size/ }).fill('1');
  await form.getByRole('textbox', { name: /^Seed/ }).fill('7');
  await expect(form.getByTestId('search-summary')).toHaveText(
    '3 trials among 4 allocations within the budget.',
  );
  await snap(page, 'search-form');
  await form.getByRole('button', { name: 'Start search' }).click();

  // The search's page: the trials land on the table and the chart, and the progress counts them.
  await expect(page).toHaveURL(/\/searches\/srch_/);
  await expect(page.getByTestId('test-double-notice').first()).toContainText(NOTICE);
  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(progress.getByRole('progressbar', { name: 'Trials done' })).toBeVisible();
  const trials = page.getByRole('region', { name: 'Trials' });
  const rows = trials.getByTestId('trial-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  await snap(page, 'search-running');
  await expect(progress.getByTestId('search-done')).toHaveText('3 of 3 trials done', { timeout: 120_000 });
  await expect(page.getByTestId('search-stream')).toHaveText('finished', { timeout: 30_000 });
  // One trial per round, in order, each with a score and its experiment.
  await expect(rows).toHaveCount(3);
  for (const [i, row] of (await rows.all()).entries()) {
    await expect(row.getByRole('cell').nth(0)).toHaveText(`#${i + 1}`);
    await expect(row.getByRole('cell').nth(1)).toHaveText(String(i + 1));
    await expect(row.getByRole('cell').nth(2)).toContainText(
      /agent: simulated-(small|large), (1024|1536) tok/,
    );
    await expect(row.getByRole('link', { name: 'experiment' })).toBeVisible();
  }
  await expect(trials.locator('.tpill', { hasText: 'best' })).toHaveCount(1);
  const charts = page.getByRole('region', { name: 'Charts' });
  await expect(charts.locator('canvas').first()).toBeVisible();
  await expect(charts).toContainText(SIMULATED_LABEL);
  await expect(trials).toContainText(SIMULATED_LABEL);
  await expect(page.getByTestId('search-best')).toContainText('dev TGC');
  await snap(page, 'search-finished');

  // The best allocation saved as the graph's latest version.
  const head = page.getByRole('region', { name: 'Search', exact: true });
  await head.getByRole('button', { name: 'Save best as graph version' }).click();
  await expect(head.getByRole('status').filter({ hasText: 'Saved as version' })).toContainText(
    /Saved as version \d+ of Three roles, now its latest/,
  );
  await snap(page, 'search-saved');
});

test('runs three optimiser rounds with a scripted meta-agent, reads the lineage and a round, and downloads the rounds', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await registerEndpoint(request, {
    name: SIMULATED,
    baseUrl: simulated.url,
    defaultModel: 'simulated-small',
  });
  await registerEndpoint(request, {
    name: META_AGENT,
    baseUrl: `${TEST_SERVER}/v1`,
    defaultModel: 'qwen3-8b',
  });
  // Three edits of the agent's settings, each a graph not seen before: cooler, then warmer, then a shorter budget.
  const proposal = (label: string, analysis: string, settings: Record<string, unknown>) => ({
    match: { system: 'You improve a scaffold' },
    reply: { content: JSON.stringify({ analysis, label, settings: { agent: settings } }), paceMs: 0 },
  });
  await resetTestServer();
  await scriptModel([
    proposal('cooler agent', 'The agent guesses API names; a lower temperature should keep it on the docs.', {
      'llm.params.temperature': 0.2,
    }),
    proposal('warmer agent', 'Cooling did not help; a little more variety may get it out of its loops.', {
      'llm.params.temperature': 0.4,
    }),
    proposal(
      'shorter replies',
      'Long replies ramble past the code; a tighter output budget keeps them short.',
      {
        'budget.maxOutputTokens': 1024,
      },
    ),
  ]);

  const form = await openForm(page, '/optimisations', 'New optimisation', '/api/optimisations');
  await form.getByRole('combobox', { name: 'Graph', exact: true }).selectOption({ label: 'ReAct baseline' });
  await form
    .getByRole('combobox', { name: 'Endpoint · model for nodes binding none' })
    .selectOption({ label: `${SIMULATED} (simulated)` });
  await choose(form, 'Choose tasks by', 'By task ids');
  await form.getByRole('textbox', { name: 'Task ids' }).fill(DEV_TASKS.slice(0, 2).join(', '));
  await expect(form.getByTestId('task-count')).toContainText('2 dev tasks in this set');
  await form
    .getByRole('combobox', { name: 'Meta-agent endpoint · model' })
    .selectOption({ label: `${META_AGENT} (test server)` });
  await form.getByRole('spinbutton', { name: /^Rounds/ }).fill('3');
  await snap(page, 'optimisation-form');
  await form.getByRole('button', { name: 'Start optimisation' }).click();

  await expect(page).toHaveURL(/\/optimisations\/opt_/);
  await expect(page.getByTestId('test-double-notice').first()).toContainText(NOTICE);
  const progress = page.getByRole('region', { name: 'Progress' });
  await expect(progress.getByRole('progressbar', { name: 'Rounds done' })).toBeVisible();
  await expect(progress.getByTestId('optimisation-done')).toHaveText('3 of 3 rounds done', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('optimisation-stream')).toHaveText('finished', { timeout: 30_000 });
  await expect(progress.getByTestId('optimisation-progress')).toContainText('3 evaluated');

  // The lineage: the starting graph and three rounds, as a tree and as a table.
  const lineage = page.getByRole('region', { name: 'Lineage' });
  await expect(lineage.locator('canvas').first()).toBeVisible();
  await expect(lineage).toContainText(SIMULATED_LABEL);
  const rounds = page.getByRole('region', { name: 'Rounds' });
  const rows = rounds.getByTestId('round-row');
  await expect(rows).toHaveCount(4);
  for (const [round, label] of ['cooler agent', 'warmer agent', 'shorter replies'].entries()) {
    await expect(rows.nth(round + 1)).toContainText(`${round + 1}${label}`);
    await expect(rows.nth(round + 1)).toContainText('evaluated');
  }
  await snap(page, 'optimisation-finished');

  // A round's analysis and edit in the side panel.
  await rounds.getByRole('button', { name: 'warmer agent' }).click();
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('region', { name: 'Round 2', exact: true });
  await expect(panel.getByRole('heading', { name: 'warmer agent' })).toBeVisible();
  await expect(panel).toContainText('a little more variety may get it out of its loops');
  await expect(panel.getByRole('heading', { name: 'Edit (1 change)' })).toBeVisible();
  await expect(panel).toContainText(/temperature: 0\.[27] → 0\.4/);
  await snap(page, 'optimisation-round');

  // The rounds as training data: one JSON line per round after the starting graph.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Rounds (JSONL)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-rounds-simulated\.jsonl$/);
  const lines = fs
    .readFileSync((await file.path())!, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { round: number; proposal: { label: string }; simulated: boolean });
  expect(lines).toHaveLength(3);
  expect(lines.map((line) => [line.round, line.proposal.label, line.simulated])).toEqual([
    [1, 'cooler agent', true],
    [2, 'warmer agent', true],
    [3, 'shorter replies', true],
  ]);
});
