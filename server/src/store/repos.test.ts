import { DEFAULT_TIMEOUTS, type ForkEdit, preset } from '@trellis/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import type { Store } from './db.ts';
import { type EndpointFields, EndpointRepo } from './endpoints.ts';
import { GraphRepo } from './graphs.ts';
import { LineageRepo } from './lineage.ts';
import { RescueRepo } from './rescues.ts';
import { RunRepo } from './runs.ts';

const EDIT: ForkEdit = {
  fromVersionId: 'gv_a',
  toVersionId: 'gv_b',
  changes: [],
  reply: null,
  summary: ['x'],
};

function endpoint(name: string): EndpointFields {
  return {
    name,
    baseUrl: 'http://127.0.0.1:8000/v1',
    kind: 'vllm',
    apiKey: 'sk-secret-key',
    defaultModel: null,
    defaultParams: { temperature: 0.5 },
    timeouts: DEFAULT_TIMEOUTS,
  };
}

describe.each(STORE_KINDS)('repositories on $kind', ({ open }) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  async function createRuns(...ids: string[]): Promise<void> {
    const version = await new GraphRepo(store).save({ graph: preset('three-roles').graph, message: 'm' });
    const runs = new RunRepo(store);
    for (const id of ids) {
      await runs.create({
        id,
        graphVersionId: version.id,
        graphId: version.graphId,
        graphName: version.graph.name,
        taskId: `task_${id}`,
        difficulty: 1,
        seed: 1,
        request: { taskId: `task_${id}`, model: 'm' },
      });
    }
  }

  describe('GraphRepo', () => {
    it('keeps equal content as one version, moving the head back to it when saved again', async () => {
      const graphs = new GraphRepo(store);
      const first = preset('three-roles').graph;
      const saved = await graphs.save({ graph: first, message: 'first' });
      const second = await graphs.save({
        graph: { ...first, name: 'renamed' },
        message: 'second',
        graphId: saved.graphId,
      });
      expect(second.parentId).toBe(saved.id);
      expect((await graphs.getGraph(saved.graphId))?.headVersionId).toBe(second.id);
      expect((await graphs.getGraph(saved.graphId))?.name).toBe('renamed');

      const again = await graphs.save({ graph: first, message: 'again' });
      expect(again).toEqual(saved);
      expect(await graphs.getGraph(saved.graphId)).toMatchObject({
        headVersionId: saved.id,
        versionCount: 2,
      });
      expect((await graphs.versions(saved.graphId)).map((v) => v.id)).toEqual([second.id, saved.id]);
      expect(await graphs.list()).toHaveLength(1);
    });

    it('leaves the head where it is when asked to, and moves it on restore', async () => {
      const graphs = new GraphRepo(store);
      const saved = await graphs.save({ graph: preset('three-roles').graph, message: 'm' });
      const fork = await graphs.save({
        graph: { ...preset('three-roles').graph, name: 'fork' },
        message: 'f',
        graphId: saved.graphId,
        keepHead: true,
      });
      expect((await graphs.getGraph(saved.graphId))?.headVersionId).toBe(saved.id);
      await graphs.setHead(saved.graphId, fork.id);
      expect((await graphs.getGraph(saved.graphId))?.headVersionId).toBe(fork.id);
      expect(await graphs.getVersion('gv_missing')).toBeNull();
    });

    it('refuses a graph that does not exist, and stores nothing of the attempt', async () => {
      const graphs = new GraphRepo(store);
      await expect(
        graphs.save({ graph: preset('three-roles').graph, message: 'm', graphId: 'g_missing' }),
      ).rejects.toThrow("graph 'g_missing' does not exist");
      expect(await graphs.list()).toEqual([]);
    });

    it('saves the same new content once when two saves race', async () => {
      const graphs = new GraphRepo(store);
      const graph = preset('three-roles').graph;
      const [a, b] = await Promise.all([
        graphs.save({ graph, message: 'a' }),
        graphs.save({ graph, message: 'b' }),
      ]);
      expect(a.id).toBe(b.id);
      expect(await graphs.list()).toHaveLength(1);
    });
  });

  describe('EndpointRepo', () => {
    it('creates, finds by name whatever its case, updates and deletes', async () => {
      const endpoints = new EndpointRepo(store);
      const created = await endpoints.create(endpoint('Local vLLM'));
      expect(created).toMatchObject({ name: 'Local vLLM', apiKey: 'sk-secret-key', source: 'store' });
      expect(created.defaultParams).toEqual({ temperature: 0.5 });
      expect((await endpoints.getByName('local VLLM'))?.id).toBe(created.id);
      expect(await endpoints.getByName('other')).toBeNull();

      const updated = await endpoints.update(created.id, { ...endpoint('Renamed'), apiKey: '' });
      expect(updated).toMatchObject({ name: 'Renamed', apiKey: null });
      expect(await endpoints.delete(created.id)).toBe(true);
      expect(await endpoints.delete(created.id)).toBe(false);
      expect(await endpoints.get(created.id)).toBeNull();
    });

    it('lists endpoints by name without regard to case', async () => {
      const endpoints = new EndpointRepo(store);
      for (const name of ['beta', 'Alpha', 'gamma', 'Delta']) await endpoints.create(endpoint(name));
      expect((await endpoints.list()).map((e) => e.name)).toEqual(['Alpha', 'beta', 'Delta', 'gamma']);
    });
  });

  describe('LineageRepo', () => {
    it('records forks and builds the tree from the root, oldest first', async () => {
      await createRuns('run_root', 'run_a', 'run_b', 'run_aa');
      const lineage = new LineageRepo(store);
      const a = await lineage.insert({
        runId: 'run_a',
        parentRunId: 'run_root',
        forkStep: 2,
        edit: EDIT,
        rescueId: null,
      });
      expect(a).toMatchObject({ parentRunId: 'run_root', forkStep: 2, edit: EDIT, findings: [] });
      await lineage.insert({
        runId: 'run_b',
        parentRunId: 'run_root',
        forkStep: 3,
        edit: EDIT,
        rescueId: 'r1',
      });
      await lineage.insert({
        runId: 'run_aa',
        parentRunId: 'run_a',
        forkStep: 1,
        edit: EDIT,
        rescueId: null,
      });
      const finding = { step: 1, kind: 'request' as const, message: 'm', recorded: 1, replayed: 2 };
      await lineage.setFindings('run_a', [finding]);
      expect((await lineage.get('run_a')).findings).toEqual([finding]);
      expect(await lineage.get('run_root')).toMatchObject({ parentRunId: null, edit: null, createdAt: null });

      const tree = await lineage.tree('run_aa');
      expect(tree?.runId).toBe('run_root');
      expect(tree?.summary).toEqual([]);
      expect(tree?.children.map((c) => c.runId)).toEqual(['run_a', 'run_b']);
      expect(tree?.children[0]).toMatchObject({ forkStep: 2, summary: ['x'], taskId: 'task_run_a' });
      expect(tree?.children[0]?.children.map((c) => c.runId)).toEqual(['run_aa']);
      expect(await lineage.tree('run_missing')).toBeNull();
    });

    it('reads the request a run was started with', async () => {
      await createRuns('run_1');
      const lineage = new LineageRepo(store);
      expect(await lineage.runRequest('run_1')).toEqual({
        taskId: 'task_run_1',
        endpointId: null,
        model: 'm',
        overrides: {},
      });
      expect(await lineage.runRequest('run_missing')).toBeNull();
    });
  });

  describe('RescueRepo', () => {
    it('creates a rescue with its pairs, counts them as they end, and finishes', async () => {
      await createRuns('run_1', 'run_2', 'run_3');
      const rescues = new RescueRepo(store);
      await rescues.create({
        id: 'rescue_1',
        name: 'first',
        change: { nodes: {}, overrides: {} },
        from: 'start',
        concurrency: 2,
        pairs: ['run_1', 'run_2', 'run_3'].map((id) => ({
          sourceRunId: id,
          taskId: `task_${id}`,
          forkStep: 0,
        })),
      });
      await rescues.create({
        id: 'rescue_2',
        name: 'second',
        change: { nodes: {}, overrides: {} },
        from: 'before_first_failure',
        concurrency: 1,
        pairs: [],
      });
      await rescues.updatePair('rescue_1', 0, { status: 'rescued', forkRunId: 'run_x', attempts: 1 });
      await rescues.updatePair('rescue_1', 1, { status: 'failing', runStatus: 'failed', error: undefined });
      await rescues.updatePair('rescue_1', 2, {});
      expect(await rescues.summary('rescue_1')).toMatchObject({
        status: 'running',
        total: 3,
        rescued: 1,
        stillFailing: 1,
        concurrency: 2,
        change: { nodes: {}, overrides: {} },
      });
      expect((await rescues.pairs('rescue_1'))[0]).toMatchObject({
        position: 0,
        status: 'rescued',
        forkRunId: 'run_x',
        attempts: 1,
      });
      expect((await rescues.pairs('rescue_1'))[2]).toMatchObject({ status: 'pending', forkRunId: null });
      expect((await rescues.runningIds()).sort()).toEqual(['rescue_1', 'rescue_2']);
      expect((await rescues.list()).map((r) => r.id)).toEqual(['rescue_2', 'rescue_1']);

      await rescues.finish('rescue_1', 'finished');
      expect((await rescues.summary('rescue_1'))?.finishedAt).not.toBeNull();
      expect(await rescues.runningIds()).toEqual(['rescue_2']);
      expect(await rescues.summary('rescue_missing')).toBeNull();
    });
  });
});
