import { beforeAll, describe, expect, it } from 'vitest';
import { createWorld, listTasks } from '../index.ts';
import { loadPythonApis, type PythonApis } from '../testing/python-apis.ts';

let python: PythonApis;

beforeAll(async () => {
  python = await loadPythonApis();
});

describe.each(listTasks().map((task) => [task.id]))('task %s', (id) => {
  it('passes with its reference solution', () => {
    const world = createWorld(id, { checkResponses: true });
    const run = python.run(world, world.task?.solution ?? '');
    expect(run.error).toBeNull();
    const report = world.evaluate();
    expect(report.failures).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('fails when nothing is done', () => {
    expect(createWorld(id).evaluate().success).toBe(false);
  });

  it('fails when the task is only marked complete', () => {
    const world = createWorld(id);
    world.call('supervisor', 'complete_task', {});
    expect(world.evaluate().success).toBe(false);
  });
});
