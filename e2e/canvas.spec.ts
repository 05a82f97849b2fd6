import fs from 'node:fs/promises';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, resetTestServer, TEST_SERVER, test } from './fixtures.ts';

test.beforeEach(async () => {
  await resetTestServer();
});

/** Drops a palette kind onto the canvas at a point relative to the canvas's top-left corner. */
async function drop(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${kind}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

/** Drags from one node's output handle to another node's input handle. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  const source = page.getByTestId(`node-${from}`).locator('.react-flow__handle.source');
  const target = page.getByTestId(`node-${to}`).locator('.react-flow__handle.target');
  await source.hover();
  await page.mouse.down();
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Registers the scripted test server, with the first model it serves as the default; returns its id. */
async function registerEndpoint(request: APIRequestContext, name: string): Promise<string> {
  const models = (await (await fetch(`${TEST_SERVER}/v1/models`)).json()) as { data: { id: string }[] };
  const response = await request.post('/api/endpoints', {
    data: { name, baseUrl: `${TEST_SERVER}/v1`, kind: 'vllm', defaultModel: models.data[0]!.id },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** The centre of an element on the page. */
async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = (await locator.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Waits until the canvas's view stops moving (a fit after opening a graph glides for a moment). */
async function viewSettled(page: Page): Promise<void> {
  const transform = () =>
    page.locator('.react-flow__viewport').evaluate((element) => (element as HTMLElement).style.transform);
  let last = '';
  await expect
    .poll(async () => {
      const now = await transform();
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
}

/** Grabs one end of an edge by the grip React Flow puts there, where it shows, and drops it at a point. */
async function dragEdgeEnd(
  page: Page,
  edgeId: string,
  end: 'source' | 'target',
  to: { x: number; y: number },
) {
  const grip = page.getByTestId(`rf__edge-${edgeId}`).locator(`.react-flow__edgeupdater-${end}`);
  // Part of the grip lies under the node's handle or the edge's label: aim where a person would, at what shows.
  const at = await grip.evaluate((element) => {
    const box = element.getBoundingClientRect();
    for (let i = 1; i < 8; i++) {
      for (let j = 1; j < 8; j++) {
        const x = box.left + (box.width * i) / 8;
        const y = box.top + (box.height * j) / 8;
        if (document.elementFromPoint(x, y) === element) return { x, y };
      }
    }
    throw new Error('the edge grip is covered');
  });
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

const handle = (page: Page, node: string, type: 'source' | 'target') =>
  page.getByTestId(`node-${node}`).locator(`.react-flow__handle.${type}`);

async function openPreset(page: Page, id: string): Promise<void> {
  await page.getByRole('button', { name: 'File ▾' }).click();
  await page.getByTestId(`preset-${id}`).click();
}

async function chooseTask(page: Page, id: string): Promise<void> {
  await page.getByRole('button', { name: /^Task/ }).click();
  const picker = page.getByRole('dialog', { name: 'Choose a task' });
  await picker.getByLabel('Search tasks').fill(id);
  await picker.getByRole('button').filter({ hasText: id }).first().click();
  await expect(picker).toBeHidden();
}

async function saveVersion(page: Page, message: string): Promise<void> {
  await page.keyboard.press('Control+s');
  const form = page.getByRole('form', { name: 'Save version' });
  await form.getByLabel('What changed?').fill(message);
  await form.getByLabel('What changed?').press('Enter');
  await expect(form).toBeHidden();
  await expect(page.getByTestId('doc-status')).toHaveText(/^saved · gv_/);
}

test('builds a scaffold by dragging and wiring, shows a validation error on the right node, then fixes it', async ({
  page,
  request,
}) => {
  await registerEndpoint(request, 'canvas vllm');
  await page.goto('/canvas');
  await expect(page.getByText('Empty scaffold.')).toBeVisible();

  await drop(page, 'agent', 160, 140);
  await drop(page, 'executor', 520, 140);
  await drop(page, 'corrector', 160, 420);
  await expect(page.locator('.tnode')).toHaveCount(3);
  await expect(page.getByTestId('node-agent').getByText('entry')).toBeVisible();

  await connect(page, 'agent', 'executor');
  await expect(page.getByTestId('edge-agent->executor')).toContainText('always');

  // The corrector is wired to nothing: the error sits on it, not on the others.
  const corrector = page.getByTestId('node-corrector');
  await expect(corrector).toHaveAttribute('data-severity', 'error');
  await expect(corrector.getByTestId('node-issue')).toContainText('cannot be reached');
  await expect(page.getByTestId('node-agent')).not.toHaveAttribute('data-severity', 'error');
  await expect(page.getByLabel('Validation issues')).toContainText('cannot be reached');

  // An invalid graph cannot run, and the button says why.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
  await page.getByLabel('Default endpoint').selectOption({ label: 'canvas vllm' });
  await chooseTask(page, 'notes_pin_1');
  const run = page.getByRole('button', { name: '▶ Run' });
  await expect(run).toBeDisabled();
  await expect(page.getByTestId('run-blocker')).toContainText('cannot be reached');

  await connect(page, 'agent', 'corrector');
  await connect(page, 'corrector', 'executor');
  await expect(corrector).not.toHaveAttribute('data-severity', 'error');
  await expect(page.getByTestId('run-blocker')).toBeHidden();
  await expect(run).toBeEnabled();

  // The corrector is isolated from the task: using {{task.instruction}} in its prompt is an error, in place.
  await corrector.getByText('Corrector', { exact: true }).first().click();
  const prompt = page.getByTestId('prompt-corrector/prompts.user');
  await prompt.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\nThe task was: {{task.instruction}}');
  await expect(corrector).toHaveAttribute('data-severity', 'error');
  await expect(corrector.getByTestId('node-issue')).toContainText('isolated');
  await expect(page.getByTestId('field-issue').first()).toContainText('cannot see {{task.instruction}}');
  await expect(prompt.locator('.tpl-var-unknown')).toHaveText('{{task.instruction}}');
  await expect(run).toBeDisabled();

  await page.keyboard.press('Control+z');
  await expect(corrector).not.toHaveAttribute('data-severity', 'error');
  await expect(prompt.locator('.tpl-var-unknown')).toHaveCount(0);
  await expect(run).toBeEnabled();
});

test('sets an edge condition on the edge, and edits with duplicate, delete, undo and redo', async ({
  page,
}) => {
  await page.goto('/canvas');
  await openPreset(page, 'three-roles');
  await expect(page.locator('.tnode')).toHaveCount(4);
  await expect(page.getByText('Opened the Three roles preset.')).toBeVisible();

  const edge = page.getByTestId('edge-corrector->executor');
  await edge.getByRole('button').click();
  await edge.getByLabel('Edge condition').selectOption('context_over');
  await edge.getByLabel('Context tokens').fill('8000');
  await expect(edge.getByRole('button').first()).toHaveText('context > 8,000 tok');
  await edge.getByLabel('Edge condition').selectOption('on_error');
  await expect(edge.getByRole('button').first()).toHaveText('on error');

  await page.getByTestId('node-agent').getByText('Agent', { exact: true }).first().click();
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.getByTestId('node-agent').getByText('Agent', { exact: true }).first().click();
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('node-agent-2')).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-agent-2')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-agent-2')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-agent-2')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('node-agent-2')).toBeVisible();

  // Deleting a node takes its edges with it.
  await page.getByTestId('node-corrector').getByText('Corrector', { exact: true }).first().click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('edge-corrector->executor')).toHaveCount(0);
  await expect(page.getByTestId('edge-agent->corrector')).toHaveCount(0);
  await expect(page.getByTestId('edge-summarizer->agent')).toBeVisible();

  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('node-corrector')).toHaveCount(0);
});

test('saves two versions and restores the first', async ({ page }) => {
  await page.goto('/canvas');
  await openPreset(page, 'react-baseline');
  await expect(page.locator('.tnode')).toHaveCount(2);
  await expect(page.getByTestId('doc-status')).toHaveText('not saved yet');

  await saveVersion(page, 'baseline as shipped');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Max steps').fill('25');
  await expect(page.getByTestId('doc-status')).toHaveText(/^unsaved changes/);
  await saveVersion(page, 'fewer steps');

  await page.getByRole('tab', { name: 'Versions' }).click();
  const versions = page.getByTestId('version');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText('fewer steps');
  await expect(versions.first()).toContainText('head');

  const first = versions.filter({ hasText: 'baseline as shipped' });
  await first.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText(/Restored version gv_/)).toBeVisible();
  await expect(first).toContainText('head');
  await expect(first).toContainText('open');
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await expect(page.getByLabel('Max steps')).toHaveValue('40');

  // Opening the newer version again brings its change back.
  await page.getByRole('tab', { name: 'Versions' }).click();
  await versions.filter({ hasText: 'fewer steps' }).getByRole('button', { name: 'Open' }).click();
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await expect(page.getByLabel('Max steps')).toHaveValue('25');
});

test('exports a graph as JSON and imports it back; a bad file is refused with the reason', async ({
  page,
}, testInfo) => {
  await page.goto('/canvas');
  await openPreset(page, 'three-roles');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Name').fill('Round trip');

  await page.getByRole('button', { name: 'File ▾' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: /Export JSON/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('round-trip.trellis.json');
  const file = testInfo.outputPath('round-trip.json');
  await download.saveAs(file);
  const exported = JSON.parse(await fs.readFile(file, 'utf8')) as { name: string; nodes: unknown[] };
  expect(exported.name).toBe('Round trip');
  expect(exported.nodes).toHaveLength(4);

  await page.getByRole('button', { name: 'File ▾' }).click();
  await page.getByRole('menuitem', { name: /New empty graph/ }).click();
  await expect(page.locator('.tnode')).toHaveCount(0);

  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByText('Imported Round trip')).toBeVisible();
  await expect(page.locator('.tnode')).toHaveCount(4);
  await expect(page.getByTestId('edge-summarizer->agent')).toBeVisible();

  await page.getByTestId('import-file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ name: 'x', entry: 'a', nodes: [{ id: 'a', kind: 'oracle' }] })),
  });
  await expect(page.getByRole('alert')).toContainText('Cannot import broken.json: not a Trellis graph');
  await expect(page.getByRole('alert')).toContainText('nodes.0');
  await expect(page.locator('.tnode')).toHaveCount(4);
});

test('runs from the canvas: the active node lights up, the trace follows, and Cancel stops it', async ({
  page,
  request,
}) => {
  await registerEndpoint(request, 'run vllm');
  await page.goto('/canvas');
  await openPreset(page, 'react-baseline');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Default endpoint').selectOption({ label: 'run vllm' });
  await chooseTask(page, 'notes_pin_1');
  await page.getByRole('button', { name: '▶ Run' }).click();

  const panel = page.getByRole('region', { name: 'Live run' });
  await expect(panel).toBeVisible();
  await expect(page.locator('.tnode[data-active]')).toHaveCount(1);
  const link = panel.getByRole('link', { name: /Open run page/ });
  await expect(link).toHaveAttribute('href', /^\/runs\/.+/);

  await panel.getByRole('button', { name: 'Cancel run' }).click();
  await expect(panel.locator('.run-panel-head').getByTestId('run-status')).toHaveText('Cancelled');
  await expect(page.locator('.tnode[data-active]')).toHaveCount(0);
  await link.click();
  await expect(page).toHaveURL(/\/runs\/.+/);
});

test('renames a node from the inspector: edges and the entry follow, bad or taken ids are refused with the reason', async ({
  page,
}) => {
  await page.goto('/canvas');
  await openPreset(page, 'three-roles');
  await page.getByTestId('node-summarizer').getByText('Summarizer', { exact: true }).first().click();
  const settings = page.getByRole('region', { name: 'Summarizer settings' });
  const id = settings.getByLabel('Id', { exact: true });
  await expect(id).toHaveValue('summarizer');

  // Refused ids stay in the field with the reason; nothing is renamed.
  await id.fill('compress history');
  await id.press('Enter');
  await expect(settings.getByRole('alert')).toHaveText('ids use only letters, digits, _ and -, not spaces');
  await expect(id).toHaveValue('compress history');
  await id.fill('agent');
  await id.press('Enter');
  await expect(settings.getByRole('alert')).toHaveText("another node already has the id 'agent'");
  await expect(page.getByTestId('node-summarizer')).toBeVisible();
  await id.press('Escape');
  await expect(id).toHaveValue('summarizer');
  await expect(settings.getByRole('alert')).toBeHidden();

  // Typing alone renames nothing; leaving the field does, and the entry and edges follow.
  await id.fill('compress');
  await expect(page.getByTestId('node-summarizer')).toBeVisible();
  await id.press('Tab');
  const renamed = page.getByTestId('node-compress');
  await expect(renamed).toBeVisible();
  await expect(page.getByTestId('node-summarizer')).toHaveCount(0);
  await expect(renamed.getByText('entry')).toBeVisible();
  await expect(page.getByTestId('rf__edge-compress->agent')).toHaveAttribute(
    'aria-label',
    'Edge from compress to agent',
  );
  await expect(
    page.getByRole('region', { name: 'Summarizer settings' }).getByLabel('Id', { exact: true }),
  ).toHaveValue('compress');

  // Enter renames too; a node in the middle takes both its edges along.
  await page.getByTestId('node-agent').getByText('Agent', { exact: true }).first().click();
  const agentId = page.getByRole('region', { name: 'Agent settings' }).getByLabel('Id', { exact: true });
  await agentId.fill('coder');
  await agentId.press('Enter');
  await expect(page.getByTestId('rf__edge-compress->coder')).toHaveAttribute(
    'aria-label',
    'Edge from compress to coder',
  );
  await expect(page.getByTestId('rf__edge-coder->corrector')).toHaveAttribute(
    'aria-label',
    'Edge from coder to corrector',
  );
  await expect(page.locator('.tnode[data-severity="error"]')).toHaveCount(0);

  // Each rename is one undo step.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('node-agent')).toBeVisible();
  await expect(page.getByTestId('edge-compress->agent')).toBeVisible();
  await expect(page.getByTestId('edge-agent->corrector')).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('node-summarizer').getByText('entry')).toBeVisible();
  await expect(page.getByTestId('edge-summarizer->agent')).toBeVisible();
});

test('drags an edge end to another node: the edge keeps its condition; empty space and refused ends change nothing', async ({
  page,
}) => {
  await page.goto('/canvas');
  await openPreset(page, 'three-roles');
  const edge = page.getByTestId('edge-agent->corrector');
  await edge.getByRole('button').click();
  await edge.getByLabel('Edge condition').selectOption('on_error');
  await page.getByRole('button', { name: 'Close the side panel' }).click();
  await viewSettled(page);
  const ends = page.getByTestId('rf__edge-agent->corrector');

  await dragEdgeEnd(page, 'agent->corrector', 'target', await centre(handle(page, 'executor', 'target')));
  await expect(ends).toHaveAttribute('aria-label', 'Edge from agent to executor');
  await expect(edge.getByRole('button').first()).toHaveText('on error');
  await expect(page.getByTestId('node-corrector')).toHaveAttribute('data-severity', 'error');

  // Dropped on empty canvas, onto the node at its other end, or where an edge already runs: nothing changes.
  const pane = (await page.getByTestId('canvas').boundingBox())!;
  await dragEdgeEnd(page, 'agent->corrector', 'source', { x: pane.x + pane.width / 2, y: pane.y + 40 });
  await dragEdgeEnd(page, 'agent->corrector', 'source', await centre(handle(page, 'executor', 'source')));
  await dragEdgeEnd(page, 'agent->corrector', 'source', await centre(handle(page, 'corrector', 'source')));
  await expect(ends).toHaveAttribute('aria-label', 'Edge from agent to executor');
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);

  // The source end moves too, and each move is one undo step.
  await dragEdgeEnd(page, 'agent->corrector', 'source', await centre(handle(page, 'summarizer', 'source')));
  await expect(ends).toHaveAttribute('aria-label', 'Edge from summarizer to executor');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(ends).toHaveAttribute('aria-label', 'Edge from agent to executor');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(ends).toHaveAttribute('aria-label', 'Edge from agent to corrector');
  await expect(edge.getByRole('button').first()).toHaveText('on error');
});

test('runs a preset whose nodes bind no endpoint on the endpoint chosen beside the Run button, remembered by the browser', async ({
  page,
  request,
}) => {
  const chosen = await registerEndpoint(request, 'chosen vllm');
  await registerEndpoint(request, 'other vllm');
  const models = (await (await fetch(`${TEST_SERVER}/v1/models`)).json()) as { data: { id: string }[] };
  const model = models.data[0]!.id;
  await page.goto('/canvas');
  await openPreset(page, 'react-baseline');
  await chooseTask(page, 'notes_pin_1');
  const run = page.getByRole('button', { name: '▶ Run' });
  await expect(run).toBeDisabled();
  await expect(page.getByTestId('run-blocker')).toContainText('has no endpoint');
  await expect(page.getByTestId('node-agent')).toContainText('no endpoint');
  await expect(page.getByLabel('Validation issues')).toContainText('choose one for the run');

  const endpoint = page.getByLabel('Run endpoint');
  await endpoint.selectOption({ label: 'chosen vllm (test server)' });
  await expect(run).toBeEnabled();
  await expect(page.getByTestId('run-blocker')).toBeHidden();
  // The nodes say where they will send their requests, and no longer warn about a missing endpoint.
  await expect(page.getByTestId('node-agent')).toContainText('run (chosen vllm)');
  await expect(page.getByLabel('Validation issues')).not.toContainText('has no endpoint');
  const panel = page.getByRole('region', { name: 'Live run' });
  const startRun = async () => {
    const starting = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/runs'));
    await run.click();
    const body = (await starting).postDataJSON() as Record<string, unknown>;
    await expect(panel.locator('.run-panel-head').getByTestId('run-status')).not.toHaveText('Failed');
    await expect(page.locator('.tnode[data-active]')).toHaveCount(1);
    await panel.getByRole('button', { name: 'Cancel run' }).click();
    await expect(panel.locator('.run-panel-head').getByTestId('run-status')).toHaveText('Cancelled');
    return body;
  };
  const first = await startRun();
  expect(first).toMatchObject({ endpointId: chosen, model });
  expect(first.overrides ?? {}).toEqual({});

  // The next visit starts from the same choice; "for every node" also sends nodes bound elsewhere there.
  await page.reload();
  await expect(endpoint.locator('option:checked')).toHaveText('chosen vllm (test server)');
  await openPreset(page, 'react-baseline');
  await chooseTask(page, 'notes_pin_1');
  await page.getByTestId('node-agent').getByText('Agent', { exact: true }).first().click();
  await page
    .getByRole('region', { name: 'Agent settings' })
    .getByRole('combobox', { name: /^Endpoint/ })
    .selectOption({ label: 'other vllm' });
  await page.getByLabel('for every node').check();
  const second = await startRun();
  expect(second).toMatchObject({ endpointId: chosen, overrides: { agent: { endpointId: chosen, model } } });
  expect(Object.keys(second.overrides as object)).toEqual(['agent']);
});
