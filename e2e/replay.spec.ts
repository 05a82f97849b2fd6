import type { APIRequestContext, Page } from '@playwright/test';
import { type Graph, preset } from '../shared/src/index.ts';
import { expect, type SimulatedModel, snap, startSimulatedModel, test } from './fixtures.ts';

/**
 * Replay, fork, compare and rescue as a new user meets them, against the real server, engine and built-in world,
 * with the simulated model answering, so runs fail and are rescued for its reasons: a graph whose corrector is not
 * shown the API docs cannot repair the API mistakes the simulated agent makes, and those runs fail. The user opens
 * a failed run, sees where it first failed, forks it there with the docs put back into the corrector's prompt,
 * watches the fork run live and compares it with its parent; then rescues every failed run of the graph with the
 * fork's version and reads how many were rescued.
 *
 * Everything the simulated model says is drawn from the request and the run's seed, so these runs end the same
 * way on every machine: with seed 1, six of these eight tasks fail, and the docs rescue five of them.
 */

const GRAPH = 'Replay e2e: corrector without docs';
/** Tasks no other spec runs on, so lists filtered by task there see only their own runs. */
const TASKS = [
  'notes_wifi_details_3',
  'notes_create_1',
  'notes_create_2',
  'notes_count_tag_2',
  'todo_add_1',
  'todo_add_3',
  'todo_complete_1',
  'todo_earliest_due_1',
];
/** The failed run the user forks: at step 4 it calls an API without its access token, and fails. */
const FORKED_TASK = 'notes_wifi_details_3';
const WITHOUT_DOCS = 'Code:\n```python\n{{code}}\n```\n\nLast error or observation:\n{{error}}';
const DOCS = '\n\nDocs of the APIs this code calls:\n{{api_docs}}';

let simulated: SimulatedModel;

function graphWithoutDocs(): Graph {
  const graph = preset('three-roles').graph;
  graph.name = GRAPH;
  graph.limits.maxSteps = 12;
  for (const node of graph.nodes) {
    if (node.kind === 'corrector') node.config.prompts.user = WITHOUT_DOCS;
  }
  return graph;
}

async function post<T>(request: APIRequestContext, path: string, data: unknown): Promise<T> {
  const response = await request.post(path, { data });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as T;
}

/** Runs the graph on every task on the simulated model, through the API, and waits for all of them to end. */
async function recordRuns(request: APIRequestContext): Promise<void> {
  const endpoint = await post<{ id: string }>(request, '/api/endpoints', {
    name: 'simulated (replay e2e)',
    baseUrl: simulated.url,
    kind: 'vllm',
    defaultModel: 'simulated-small',
  });
  const version = await post<{ id: string }>(request, '/api/graphs/versions', { graph: graphWithoutDocs() });
  const ids: string[] = [];
  for (const taskId of TASKS) {
    const run = await post<{ id: string }>(request, '/api/runs', {
      graphVersionId: version.id,
      taskId,
      endpointId: endpoint.id,
      seed: 1,
    });
    ids.push(run.id);
  }
  await expect
    .poll(
      async () => {
        const statuses = await Promise.all(
          ids.map(
            async (id) =>
              ((await (await request.get(`/api/runs/${id}`)).json()) as { status: string }).status,
          ),
        );
        return statuses.filter((s) => s === 'queued' || s === 'running').length;
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe(0);
}

const runStatus = (page: Page) =>
  page.getByRole('region', { name: 'Run', exact: true }).getByTestId('run-status');

test.beforeAll(async ({ request }, testInfo) => {
  testInfo.setTimeout(180_000);
  simulated = await startSimulatedModel(['--time-scale', '0.5', '--seed', '1']);
  await recordRuns(request);
});

test.afterAll(async () => {
  await simulated?.close();
});

test('a failed run: where it first failed, a fork there with an edited corrector prompt, live, and compared with its parent', async ({
  page,
}) => {
  test.setTimeout(120_000);

  // The Runs page, filtered to the graph's failed runs; open the one on the forked task.
  await page.goto(`/runs?graph=${encodeURIComponent(GRAPH)}&status=failed`);
  const row = page.getByRole('row').filter({ hasText: FORKED_TASK });
  await row.getByRole('link', { name: GRAPH }).click();
  await expect(runStatus(page)).toHaveText('Failed');

  // Where it first failed: in the header, on the timeline and on the step in the trace.
  const firstFailure = page.getByTestId('first-failure');
  await expect(firstFailure).toHaveText(/First failure: step 4/);
  await expect(page.getByRole('button', { name: /^Step 4: .*, first failure$/ })).toBeVisible();
  await expect(page.getByTestId('first-failure-marker')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Step timeline' })).toContainText('first failure: step 4');
  await firstFailure.click();
  await expect(page.locator('.trace-step.is-first-failure')).toContainText('first failure');
  await expect(
    page.getByRole('region', { name: 'Step inspector' }).getByRole('heading', { name: 'Step 4' }),
  ).toBeVisible();
  await snap(page, 'replay-failed-run');

  // Replay: no model, the same answer on every step.
  await page.getByRole('button', { name: 'Replay' }).click();
  await expect(page.getByTestId('replay-verdict')).toHaveText(/Replay matches the record on every step/);
  await snap(page, 'replay-verdict');
  await page.keyboard.press('Escape');

  // Fork from step 4 with the API docs put back into the corrector's user message.
  await page.getByRole('button', { name: 'Fork from step 4…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fork run' });
  await dialog.getByRole('tab', { name: 'Node settings' }).click();
  await dialog.getByRole('button', { name: /Corrector/ }).click();
  const prompt = dialog.getByTestId('prompt-fork/corrector/prompts.user');
  await prompt.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(DOCS);
  const edit = dialog.getByRole('region', { name: 'The edit' });
  await expect(edit).toContainText('nodes.corrector.prompts.user: edited (7 → 10 lines)');
  await expect(edit.locator('.line-diff-added')).toContainText([
    'Docs of the APIs this code calls:',
    '{{api_docs}}',
  ]);
  await snap(page, 'replay-fork-dialog');
  const parentUrl = page.url();
  await dialog.getByRole('button', { name: 'Start fork from step 4' }).click();

  // The fork opens and runs live: its lineage names the parent and the step.
  await expect(page).not.toHaveURL(parentUrl);
  await expect(page.getByTestId('stream-state')).toHaveText('following live');
  await expect(page.getByTestId('lineage')).toContainText('fork of');
  await expect(page.getByTestId('lineage')).toContainText('at step 4');
  await snap(page, 'replay-fork-live');
  await expect(runStatus(page)).toHaveText('Succeeded', { timeout: 60_000 });
  await page.getByRole('button', { name: /prompts\.user: edited/ }).click();
  await expect(page.getByRole('dialog', { name: "The fork's edit" })).toContainText(
    'Docs of the APIs this code calls:',
  );
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Forks tree (2 runs) ▾' }).click();
  const tree = page.getByRole('list', { name: 'Forks tree' });
  await expect(tree.locator('.lineage-node.is-current')).toContainText('this run');
  await expect(tree.locator('.lineage-node')).toHaveCount(2);
  await snap(page, 'replay-forks-tree');
  await page.keyboard.press('Escape');

  // Compared with its parent: the same first steps, then the first divergence, open, the code as a diff.
  await page.getByRole('link', { name: 'Compare with parent' }).click();
  await expect(page.getByRole('heading', { name: 'Compare runs' })).toBeVisible();
  await expect(page.getByTestId('first-divergence')).toContainText(
    'First divergence: step 5 on the left, step 5 on the right',
  );
  await expect(page.getByText('Steps 1–4 are the same on both sides')).toBeVisible();
  const divergence = page.locator('.compare-row.is-first-divergence');
  await expect(divergence).toContainText('first divergence');
  const diff = divergence.getByTestId('code-diff');
  await expect(diff.locator('.editor.original .view-lines')).toContainText('search_notes(query=', {
    timeout: 20_000,
  });
  await expect(diff.locator('.editor.modified .view-lines')).toContainText('access_token=notes_token');
  await expect(divergence.getByRole('region', { name: 'Left observation' })).toContainText('401');
  await expect(page.getByTestId('test-double-notice')).toContainText('Simulated model');
  await snap(page, 'replay-compare');

  // The same comparison from the Runs page: the two runs of the task selected, then Compare.
  await page.goto(`/runs?graph=${encodeURIComponent(GRAPH)}&task=${FORKED_TASK}`);
  const boxes = page.getByRole('checkbox', { name: new RegExp(`^Select ${FORKED_TASK} run`) });
  await expect(boxes).toHaveCount(2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByRole('toolbar', { name: 'Selected runs' }).getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('first-divergence')).toContainText('First divergence: step 5');
});

test('every failed run of the graph rescued on the simulated model with the fork’s version: N of M rescued', async ({
  page,
}) => {
  test.setTimeout(120_000);

  await page.goto(`/runs?graph=${encodeURIComponent(GRAPH)}&status=failed`);
  await expect(page.getByTestId('runs-range')).toBeVisible();
  await page.getByRole('button', { name: 'Rescue every failed run matching the filters…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rescue failed runs' });
  await dialog.getByRole('radio', { name: /fork of run_/ }).check();
  const edit = dialog.getByRole('region', { name: 'The edit' });
  await expect(edit).toContainText('graph version →');
  await expect(edit).toContainText('nodes.corrector.prompts.user: edited (7 → 10 lines)');
  await expect(
    dialog.getByRole('radio', { name: 'From the step before each run’s first failure' }),
  ).toBeChecked();
  await snap(page, 'replay-rescue-dialog');
  await dialog.getByRole('button', { name: 'Start rescue' }).click();

  // The rescue's page follows it live, then reads N of M rescued.
  await expect(page).toHaveURL(/\/rescues\/rsc_/);
  await snap(page, 'replay-rescue-live');
  await expect(page.getByTestId('test-double-notice')).toContainText('Simulated model');
  const count = page.getByTestId('rescued-count');
  await expect(count).toHaveText(/^\d+ of \d+ rescued$/);
  await expect(page.getByRole('progressbar', { name: 'Pairs done' })).toBeVisible();
  await expect(page.getByTestId('rescue-state')).toHaveText('finished', { timeout: 90_000 });
  const [, rescued, total] = /^(\d+) of (\d+) rescued$/.exec((await count.textContent()) ?? '')!;
  expect(Number(total)).toBeGreaterThanOrEqual(6);
  expect(Number(rescued)).toBeGreaterThanOrEqual(1);
  const pairs = page.getByRole('table', { name: 'Pairs' });
  await expect(pairs.getByRole('row')).toHaveCount(Number(total) + 1);
  await expect(pairs.getByText('rescued', { exact: true })).toHaveCount(Number(rescued));
  await snap(page, 'replay-rescue');

  // Each pair compares; the rescue reopens from the Rescues list.
  await pairs.getByRole('link', { name: 'Compare' }).first().click();
  await expect(page.getByTestId('first-divergence')).toBeVisible();
  await page.getByRole('link', { name: 'Rescues' }).click();
  await expect(page.getByRole('heading', { name: 'Rescues' })).toBeVisible();
  const listed = page.getByRole('row').filter({ hasText: `${rescued} of ${total}` });
  await expect(listed).toBeVisible();
  await snap(page, 'replay-rescues');
  await listed.getByRole('link').click();
  await expect(page.getByTestId('rescued-count')).toHaveText(`${rescued} of ${total} rescued`);
});
