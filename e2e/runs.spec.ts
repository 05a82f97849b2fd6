import type { APIRequestContext, Page } from '@playwright/test';
import { type Graph, preset } from '../shared/src/index.ts';
import { expect, resetTestServer, TEST_SERVER, test } from './fixtures.ts';
import { scriptModel, thought, threeTurns } from './scenarios.ts';

/**
 * The run inspector, against the real server, engine and built-in world, with the scripted test server as the
 * model: a run streams into the trace, the corrector's diff and the summarizer's before/after open for the step
 * that has them, and the same run opens again after a reload and from the Runs list.
 */

interface Setup {
  endpointId: string;
  tasks: string[];
}

async function setup(request: APIRequestContext): Promise<Setup> {
  const models = (await (await fetch(`${TEST_SERVER}/v1/models`)).json()) as { data: { id: string }[] };
  const existing = (await (await request.get('/api/endpoints')).json()) as { id: string; name: string }[];
  let endpoint = existing.find((e) => e.name === 'runs e2e');
  if (!endpoint) {
    const created = await request.post('/api/endpoints', {
      data: {
        name: 'runs e2e',
        baseUrl: `${TEST_SERVER}/v1`,
        kind: 'vllm',
        defaultModel: models.data[0]!.id,
      },
    });
    expect(created.ok(), await created.text()).toBe(true);
    endpoint = (await created.json()) as { id: string; name: string };
  }
  const tasks = (await (await request.get('/api/tasks')).json()) as { id: string }[];
  return { endpointId: endpoint.id, tasks: tasks.map((t) => t.id) };
}

/** Three roles over three steps, the summarizer firing every second turn and compressing everything before. */
function threeRoles(): Graph {
  const graph = preset('three-roles').graph;
  graph.limits.maxSteps = 3;
  for (const node of graph.nodes) {
    if (node.kind === 'summarizer') {
      node.config.trigger = { type: 'turns', every: 2 };
      node.config.keepLastTurns = 0;
    }
  }
  return graph;
}

function baseline(maxSteps: number): Graph {
  const graph = preset('react-baseline').graph;
  graph.limits.maxSteps = maxSteps;
  return graph;
}

async function startRun(request: APIRequestContext, graph: Graph, taskId: string, endpointId: string) {
  const response = await request.post('/api/runs', { data: { graph, taskId, endpointId } });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const LONG_THOUGHT = thought(80);
/** A reply that streams for half a minute: the run stays live while the test looks at it. */
const SLOWLY = { content: `Thinking slowly. ${LONG_THOUGHT} ${LONG_THOUGHT}`, paceMs: 200 };

async function statusOf(request: APIRequestContext, runId: string): Promise<string> {
  return ((await (await request.get(`/api/runs/${runId}`)).json()) as { status: string }).status;
}

/** The status badge in the run header. */
const runStatus = (page: Page) =>
  page.getByRole('region', { name: 'Run', exact: true }).getByTestId('run-status');

test.beforeEach(async () => {
  await resetTestServer();
});

test('a live run streams into the trace; its corrector diff and summarizer before/after open side by side', async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const { endpointId, tasks } = await setup(request);
  await scriptModel(threeTurns({ words: 80, paceMs: 40 }));
  const runId = await startRun(request, threeRoles(), tasks[0]!, endpointId);

  await page.goto(`/runs/${runId}`);
  await expect(page.getByRole('heading', { name: 'Three roles' })).toBeVisible();
  // Tokens appear while the call is still streaming.
  const streaming = page.getByTestId('call-streaming');
  await expect(streaming).toBeVisible();
  const output = page.locator('.trace-call .llm-output').first();
  await expect(output).toContainText('Let me log in');
  const early = (await output.textContent())?.length ?? 0;
  await expect.poll(async () => (await output.textContent())?.length ?? 0).toBeGreaterThan(early);
  await expect(runStatus(page)).toHaveText('Running');

  // The trace follows the run to its end.
  await expect(runStatus(page)).toHaveText('Failed', { timeout: 120_000 });
  await expect(
    page.getByRole('region', { name: 'Run trace' }).getByText('Step 3', { exact: true }),
  ).toBeVisible();
  await expect(page.getByTestId('evaluation')).toContainText('checks passed');
  const totals = page.getByRole('region', { name: 'Totals per role' });
  for (const role of ['summarizer', 'agent', 'corrector', 'executor']) {
    await expect(totals.locator(`tr[data-role="${role}"]`)).toBeVisible();
  }

  // Step 2 from the timeline: the trace scrolls to it, and its correction opens as a diff.
  await page.getByRole('button', { name: /^Step 2:/ }).click();
  await page
    .getByRole('region', { name: 'Run trace' })
    .getByRole('button', { name: 'Open diff' })
    .first()
    .click();
  await expect(page.getByRole('tab', { name: 'Corrector diff' })).toHaveAttribute('aria-selected', 'true');
  const diff = page.getByTestId('code-diff');
  await expect(diff.locator('.editor.original .view-lines')).toContainText('undefined_name', {
    timeout: 30_000,
  });
  await expect(diff.locator('.editor.modified .view-lines')).toContainText("print('fixed')");
  await expect(diff.locator('.char-insert, .line-insert').first()).toBeAttached({ timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Step inspector' })).toContainText('loop-breaker');

  // Outputs side by side: the agent's repeated code beside the corrector's fix.
  await page.getByRole('tab', { name: 'Outputs' }).click();
  await expect(page.getByRole('region', { name: 'agent output' })).toContainText('undefined_name');
  await expect(page.getByRole('region', { name: 'corrector output' })).toContainText("print('fixed')");

  // Step 3: what the summarizer read beside what it wrote, the password put back by pinning.
  await page.getByRole('button', { name: /^Step 3:/ }).click();
  await page.getByRole('tab', { name: 'Summarizer' }).click();
  const before = page.getByRole('region', { name: 'Summarizer input' });
  const after = page.getByRole('region', { name: 'Summarizer output' });
  await expect(before).toContainText('undefined_name');
  await expect(after).toContainText('Logged in twice');
  await expect(after.locator('mark.fate-restored').first()).toHaveText('hunter22');
  await expect(after.locator('mark.fate-kept').first()).toHaveText('ada@example.com');
  await expect(before.locator('mark.fate-kept').first()).toHaveText('ada@example.com');

  // The executor's observation for the step.
  await page.getByRole('tab', { name: 'Observation' }).click();
  await expect(page.getByRole('region', { name: 'Executed code' })).toContainText("print('done')");
});

test('a run opens again after a reload and from the Runs list', async ({ page, request }) => {
  test.setTimeout(90_000);
  const { endpointId, tasks } = await setup(request);
  await scriptModel([
    {
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: "```python\nprint('hello')\n```" },
    },
  ]);
  const runId = await startRun(request, baseline(1), tasks[1]!, endpointId);

  await page.goto(`/runs/${runId}`);
  await expect(runStatus(page)).not.toHaveText(/Running|Queued|Connecting/, { timeout: 60_000 });
  const trace = page.getByRole('region', { name: 'Run trace' });
  await expect(trace.getByText("print('hello')").first()).toBeVisible();
  const counts = await page.locator('.trace-card-head .muted').first().textContent();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'ReAct baseline' })).toBeVisible();
  await expect(trace.getByText("print('hello')").first()).toBeVisible();
  await expect(page.locator('.trace-card-head .muted').first()).toHaveText(counts ?? '');

  await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
  await expect(page).toHaveURL(/\/runs$/);
  const row = page.locator('tr.run-row', { has: page.getByText(tasks[1]!, { exact: true }) }).first();
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: 'ReAct baseline' }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(trace.getByText("print('hello')").first()).toBeVisible();
  await expect(page.locator('.trace-card-head .muted').first()).toHaveText(counts ?? '');
});

test('the Runs list filters by status and task, and refreshes itself while a run is live', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const { endpointId, tasks } = await setup(request);
  const [quickTask, slowTask] = [tasks[2]!, tasks[3]!];
  await scriptModel([
    { match: { system: 'You are an agent' }, reply: { content: "```python\nprint('quick')\n```" } },
    { match: { system: 'You are an agent' }, repeat: true, reply: SLOWLY },
  ]);
  const quick = await startRun(request, baseline(1), quickTask, endpointId);
  await expect.poll(() => statusOf(request, quick), { timeout: 60_000 }).not.toMatch(/queued|running/);
  const slow = await startRun(request, baseline(5), slowTask, endpointId);

  await page.goto('/runs');
  const filters = page.getByRole('form', { name: 'Filter runs' });
  const rows = page.locator('tr.run-row');
  const rowOf = (task: string) => page.locator('tr.run-row', { has: page.getByText(task, { exact: true }) });

  await filters.getByLabel('Status').selectOption('running');
  await expect(page).toHaveURL(/status=running/);
  await expect(rowOf(slowTask).getByTestId('run-status')).toHaveText('Running');
  await expect(rowOf(quickTask)).toHaveCount(0);
  for (const badge of await rows.getByTestId('run-status').all()) await expect(badge).toHaveText('Running');

  await filters.getByLabel('Status').selectOption('');
  await filters.getByLabel('Task').fill(quickTask);
  await expect(rowOf(slowTask)).toHaveCount(0);
  await expect(rowOf(quickTask).first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText(quickTask);
  await filters.getByLabel('Task').fill('');

  // The list refreshes itself while a listed run is live: cancelled elsewhere, it shows here without a reload.
  await expect(rowOf(slowTask).first().getByTestId('run-status')).toHaveText('Running');
  expect((await request.post(`/api/runs/${slow}/cancel`)).ok()).toBe(true);
  await expect(rowOf(slowTask).first().getByTestId('run-status')).toHaveText('Cancelled');
});

test('a live trace follows the newest step, lets the reader scroll back, and Cancel stops the run', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const { endpointId, tasks } = await setup(request);
  const quickStep = { content: `Step done.\n\`\`\`python\nprint('${'step output '.repeat(6)}')\n\`\`\`` };
  await scriptModel([
    ...Array.from({ length: 4 }, () => ({ match: { system: 'You are an agent' }, reply: quickStep })),
    { match: { system: 'You are an agent' }, repeat: true, reply: SLOWLY },
  ]);
  const runId = await startRun(request, baseline(8), tasks[4]!, endpointId);
  await page.goto(`/runs/${runId}`);
  const trace = page.getByTestId('trace-scroll');
  await expect(page.getByTestId('call-streaming')).toBeVisible({ timeout: 60_000 });
  await expect(trace.getByText('Step 5', { exact: true })).toBeVisible();
  const gap = () => trace.evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
  await expect.poll(gap).toBeLessThan(60);

  await trace.hover();
  await page.mouse.wheel(0, -5_000);
  await expect(page.getByRole('button', { name: '↓ Follow latest' })).toBeVisible();
  await page.waitForTimeout(1_000);
  expect(await trace.evaluate((el) => el.scrollTop)).toBeLessThan(100);
  await page.getByRole('button', { name: '↓ Follow latest' }).click();
  await expect.poll(gap).toBeLessThan(60);

  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(runStatus(page)).toHaveText('Cancelled', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Cancel run' })).toBeHidden();
  await expect(
    page.getByRole('region', { name: 'Run trace' }).getByText('cancelled by the user'),
  ).toBeVisible();
});
