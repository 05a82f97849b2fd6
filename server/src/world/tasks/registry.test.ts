import { WorldTask, WorldTaskSummary } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { APPS } from '../apps/index.ts';
import { getTask, listSuites, listTasks } from './registry.ts';

describe('task registry', () => {
  const tasks = listTasks();

  it('has at least 120 tasks, 30 per difficulty, in both splits', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(120);
    for (const difficulty of [1, 2, 3] as const) {
      expect(tasks.filter((t) => t.difficulty === difficulty).length).toBeGreaterThanOrEqual(30);
    }
    const [suite] = listSuites();
    expect(suite?.splits.map((s) => s.split)).toEqual(['dev', 'test']);
    expect(suite?.splits.reduce((sum, s) => sum + s.taskCount, 0)).toBe(tasks.length);
  });

  it('names tasks <scenario>_<n> with 2 to 4 variants per scenario, each in one split', () => {
    const byScenario = new Map<string, typeof tasks>();
    for (const task of tasks) {
      expect(task.id).toBe(`${task.scenario}_${task.id.slice(task.scenario.length + 1)}`);
      byScenario.set(task.scenario, [...(byScenario.get(task.scenario) ?? []), task]);
    }
    for (const group of byScenario.values()) {
      expect(group.length).toBeGreaterThanOrEqual(2);
      expect(group.length).toBeLessThanOrEqual(4);
      expect(new Set(group.map((t) => t.split)).size).toBe(1);
    }
  });

  it('gives every task a valid shape, known apps and a solution that completes the task', () => {
    for (const summary of tasks) {
      expect(WorldTaskSummary.parse(summary)).toEqual(summary);
      const task = WorldTask.parse(getTask(summary.id));
      for (const app of task.apps) expect(APPS.has(app)).toBe(true);
      expect(task.solution.trim().split('\n').at(-1)).toMatch(/^apis\.supervisor\.complete_task\(/);
      for (const app of task.apps) expect(task.solution).toContain(`apis.${app}.`);
      expect(task.datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    }
  });

  it('filters by split, difficulty, app and text', () => {
    expect(listTasks({ split: 'dev' }).every((t) => t.split === 'dev')).toBe(true);
    expect(listTasks({ difficulty: 3 }).every((t) => t.difficulty === 3)).toBe(true);
    const wallet = listTasks({ app: 'wallet' });
    expect(wallet.length).toBeGreaterThan(0);
    expect(wallet.every((t) => t.apps.includes('wallet'))).toBe(true);
    expect(
      listTasks({ search: 'PLAYLIST' }).every((t) =>
        `${t.id} ${t.instruction}`.toLowerCase().includes('playlist'),
      ),
    ).toBe(true);
    expect(
      listTasks({ split: 'test', difficulty: 1, app: 'notes', search: 'wi-fi' }).map((t) => t.scenario),
    ).toEqual(['notes_wifi_details', 'notes_wifi_details', 'notes_wifi_details']);
  });

  it('finds a task by id and nothing for an unknown id', () => {
    expect(getTask('notes_pin_2')?.scenario).toBe('notes_pin');
    expect(getTask('notes_pin_9')).toBeUndefined();
    expect(getTask('nope')).toBeUndefined();
  });
});
