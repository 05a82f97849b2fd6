import type { Page } from '@playwright/test';
import { expect, TEST_SERVER } from './fixtures.ts';

/** Queues scripted replies on the test server: each entry answers the next request whose messages match. */
export async function scriptModel(entries: unknown[]): Promise<void> {
  const response = await fetch(`${TEST_SERVER}/__script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entries),
  });
  expect(response.ok).toBe(true);
}

export const FAILING =
  '```python\nprint(apis.notes.login(username="ada@example.com", password="hunter22"))\nprint(undefined_name)\n```';
export const FIXED =
  '```python\nprint(apis.notes.login(username="ada@example.com", password="hunter22"))\nprint(\'fixed\')\n```';

/** Words to stream, `count` of them. */
export const thought = (count: number) => Array.from({ length: count }, (_, i) => `idea${i}`).join(' ');

/**
 * Three turns of the three-roles scaffold (summarizer every second turn, nothing kept verbatim): the agent thinks
 * out loud slowly and writes code that fails; it repeats it, and the loop-breaker sends it to the corrector, which
 * fixes it; the summarizer then compresses the first two turns and drops the password, which pinning restores.
 */
export function threeTurns({ words, paceMs }: { words: number; paceMs: number }): unknown[] {
  return [
    {
      match: { system: 'You are an agent' },
      reply: { content: `Let me log in. ${thought(words)}\n${FAILING}`, reasoning: 'Log in first.', paceMs },
    },
    { match: { system: 'You are an agent' }, reply: { content: `Again.\n${FAILING}` } },
    {
      match: { system: 'You review one block' },
      reply: { content: `Diagnosis: undefined_name is never defined.\n${FIXED}` },
    },
    {
      match: { system: 'You compress' },
      reply: { content: '## Progress\nLogged in twice.\n## Key facts\n- user ada@example.com' },
    },
    {
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: "```python\nprint('done')\n```" },
    },
  ];
}

/** Registers the scripted test server through the Endpoints page, as a person would. */
export async function addEndpointInUi(page: Page, name: string): Promise<void> {
  await page.goto('/endpoints');
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const form = page.getByRole('form', { name: 'Add endpoint' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Server').selectOption('vllm');
  await form.getByLabel('Base URL').fill(`${TEST_SERVER}/v1`);
  await form.getByLabel('Default model').fill('qwen3-8b');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form).toBeHidden();
}
