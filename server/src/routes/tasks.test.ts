import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';

describe('task catalog API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists tasks filtered by split, difficulty, app and text', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/tasks?split=dev&difficulty=1&app=notes&search=pin',
    });
    const tasks = res.json() as { id: string; split: string; difficulty: number; apps: string[] }[];
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      expect(task).toMatchObject({ split: 'dev', difficulty: 1 });
      expect(task.apps).toContain('notes');
    }
    expect(tasks.map((task) => task.id)).toContain('notes_pin_1');
  });

  it('has at least 120 tasks in two splits and 30 per difficulty', async () => {
    const all = (await t.app.inject({ method: 'GET', url: '/api/tasks' })).json() as {
      split: string;
      difficulty: number;
    }[];
    expect(all.length).toBeGreaterThanOrEqual(120);
    expect(new Set(all.map((task) => task.split))).toEqual(new Set(['dev', 'test']));
    for (const level of [1, 2, 3])
      expect(all.filter((task) => task.difficulty === level).length).toBeGreaterThanOrEqual(30);
    const suites = (await t.app.inject({ method: 'GET', url: '/api/tasks/suites' })).json();
    expect(suites[0].splits.reduce((n: number, s: { taskCount: number }) => n + s.taskCount, 0)).toBe(
      all.length,
    );
  });

  it('returns one task with its supervisor and date, and names an unknown one', async () => {
    const task = (await t.app.inject({ method: 'GET', url: '/api/tasks/notes_pin_1' })).json();
    expect(task.supervisor.email).toContain('@');
    expect(task.datetime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const missing = await t.app.inject({ method: 'GET', url: '/api/tasks/nope_1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('nope_1');
    const bad = await t.app.inject({ method: 'GET', url: '/api/tasks?difficulty=9' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('difficulty');
  });
});
