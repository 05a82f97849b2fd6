import { describe, expect, it } from 'vitest';
import { createWorld } from '../index.ts';
import type { World } from '../world.ts';
import { diffStates } from './diff.ts';
import { answerMatches } from './normalize.ts';

function call(world: World, app: string, api: string, args: Record<string, unknown> = {}): unknown {
  const result = world.call(app, api, args);
  if (result.status !== 200) throw new Error(JSON.stringify(result));
  return result.body;
}

function login(world: World, app: string): string {
  const { email } = call(world, 'supervisor', 'show_profile') as { email: string };
  const passwords = call(world, 'supervisor', 'show_account_passwords') as {
    account_name: string;
    password: string;
  }[];
  const password = passwords.find((p) => p.account_name === app)?.password;
  return (call(world, app, 'login', { username: email, password }) as { access_token: string }).access_token;
}

/** Does the pin task by hand: find the note named in the instruction and pin it. */
function pinTheNote(world: World, token: string): number {
  const title = /"(.+)"/.exec(world.task?.instruction ?? '')?.[1];
  const notes = call(world, 'notes', 'search_notes', {
    access_token: token,
    query: title,
    page_limit: 20,
  }) as {
    note_id: number;
    title: string;
  }[];
  const note = notes.find((n) => n.title === title);
  if (!note) throw new Error('note not found');
  call(world, 'notes', 'update_note', { access_token: token, note_id: note.note_id, pinned: true });
  return note.note_id;
}

describe('evaluation', () => {
  it('passes when the required write happened and the task was completed', () => {
    const world = createWorld('notes_pin_1');
    pinTheNote(world, login(world, 'notes'));
    call(world, 'supervisor', 'complete_task');
    const report = world.evaluate();
    expect(report).toMatchObject({ success: true, difficulty: 1, failures: [] });
    expect(report.num_tests).toBe(report.passes.length);
  });

  it('fails an otherwise correct run that also deleted something', () => {
    const world = createWorld('notes_pin_1');
    const token = login(world, 'notes');
    const pinned = pinTheNote(world, token);
    const other = (
      call(world, 'notes', 'search_notes', { access_token: token, page_limit: 20 }) as { note_id: number }[]
    ).find((n) => n.note_id !== pinned);
    call(world, 'notes', 'delete_note', { access_token: token, note_id: other?.note_id });
    call(world, 'supervisor', 'complete_task');
    const report = world.evaluate();
    expect(report.success).toBe(false);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.label).toBe('collateral');
    expect(report.failures[0]?.trace).toContain(`notes #${other?.note_id} removed`);
  });

  it('fails a wrong answer and a task given up with status "fail"', () => {
    const wrong = createWorld('wallet_balance_1');
    call(wrong, 'supervisor', 'complete_task', { answer: 1 });
    expect(wrong.evaluate().failures.map((f) => f.label)).toEqual(['answer']);
    const gaveUp = createWorld('wallet_balance_1');
    call(gaveUp, 'supervisor', 'complete_task', { status: 'fail' });
    expect(gaveUp.evaluate().success).toBe(false);
  });

  it('accepts the right answer written as text', () => {
    const world = createWorld('wallet_balance_1');
    const { balance } = call(world, 'wallet', 'show_balance', { access_token: login(world, 'wallet') }) as {
      balance: number;
    };
    call(world, 'supervisor', 'complete_task', {
      answer: `$${balance.toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
    });
    expect(world.evaluate().success).toBe(true);
  });

  it('ignores logins and writes that change nothing but a timestamp', () => {
    const world = createWorld('notes_pin_1');
    const token = login(world, 'notes');
    const note = (call(world, 'notes', 'search_notes', { access_token: token }) as { note_id: number }[])[0];
    call(world, 'notes', 'update_note', { access_token: token, note_id: note?.note_id });
    expect(diffStates(world.initialSnapshot(), world.snapshot())).toEqual([]);
  });
});

describe('answer normalisation', () => {
  it('compares numbers, text and unordered lists loosely', () => {
    expect(answerMatches(1234.5, '$1,234.50')).toBe(true);
    expect(answerMatches(12, 12.001)).toBe(true);
    expect(answerMatches(12, 13)).toBe(false);
    expect(answerMatches('Grocery list', '  grocery   LIST. ')).toBe(true);
    expect(answerMatches('Grocery list', 'Grocery lists')).toBe(false);
    expect(answerMatches(['Ana Lund', 'Bo Kim'], 'bo kim, Ana Lund')).toBe(true);
    expect(answerMatches(['Ana Lund', 'Bo Kim'], ['Ana Lund'])).toBe(false);
  });
});
