import { preset } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';

describe('graph versions API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const save = (body: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/graphs/versions', payload: body as object });

  it('saves immutable versions identified by a content hash, in a lineage with parents', async () => {
    const graph = preset('three-roles').graph;
    const first = await save({ graph, message: 'as shipped' });
    expect(first.statusCode).toBe(201);
    const v1 = first.json();
    expect(v1.id).toMatch(/^gv_[0-9a-f]{24}$/);
    expect(v1.parentId).toBeNull();

    const again = await save({
      graph: JSON.parse(JSON.stringify(graph)),
      message: 'same content',
      graphId: v1.graphId,
    });
    expect(again.json().id).toBe(v1.id);
    expect(again.json().message).toBe('as shipped');

    const edited = { ...graph, limits: { ...graph.limits, maxSteps: 25 } };
    const v2 = (await save({ graph: edited, message: 'fewer steps', graphId: v1.graphId })).json();
    expect(v2.id).not.toBe(v1.id);
    expect(v2.parentId).toBe(v1.id);

    const versions = (
      await t.app.inject({ method: 'GET', url: `/api/graphs/${v1.graphId}/versions` })
    ).json();
    expect(versions.map((v: { id: string }) => v.id)).toEqual([v2.id, v1.id]);
    const listed = (await t.app.inject({ method: 'GET', url: '/api/graphs' })).json();
    expect(listed.find((g: { id: string }) => g.id === v1.graphId)).toMatchObject({
      headVersionId: v2.id,
      versionCount: 2,
    });

    const restored = await t.app.inject({
      method: 'POST',
      url: `/api/graphs/${v1.graphId}/restore`,
      payload: { versionId: v1.id },
    });
    expect(restored.statusCode).toBe(200);
    expect(restored.json().graph.limits.maxSteps).toBe(40);
    const head = (await t.app.inject({ method: 'GET', url: '/api/graphs' })).json();
    expect(head.find((g: { id: string }) => g.id === v1.graphId).headVersionId).toBe(v1.id);
  });

  it('returns a version with its located validation issues', async () => {
    const graph = JSON.parse(JSON.stringify(preset('react-baseline').graph));
    graph.nodes[0].config.llm.endpointId = 'not-registered';
    const version = (await save({ graph, message: '' })).json();
    const fetched = (await t.app.inject({ method: 'GET', url: `/api/graphs/versions/${version.id}` })).json();
    expect(fetched.issues).toContainEqual(
      expect.objectContaining({ code: 'unknown_endpoint', nodeId: 'agent' }),
    );
  });

  it('rejects a malformed graph naming the field, and unknown graphs and versions', async () => {
    const bad = await save({ graph: { name: 'x', entry: 'a', nodes: [{ id: 'a', kind: 'planner' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('graph.nodes.0.kind');
    expect((await t.app.inject({ method: 'GET', url: '/api/graphs/versions/gv_missing' })).statusCode).toBe(
      404,
    );
    const unknownLineage = await save({ graph: preset('react-baseline').graph, graphId: 'g_missing' });
    expect(unknownLineage.statusCode).toBe(404);
    expect(unknownLineage.json().error.message).toContain('g_missing');
  });

  it('validates without saving', async () => {
    const graph = JSON.parse(JSON.stringify(preset('three-roles').graph));
    graph.limits.maxSteps = 500;
    const res = await t.app.inject({ method: 'POST', url: '/api/graphs/validate', payload: { graph } });
    expect(res.json().issues).toContainEqual(
      expect.objectContaining({ code: 'limit_out_of_range', field: 'limits.maxSteps' }),
    );
  });

  it('lists the presets', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/presets' });
    expect(res.json().map((p: { id: string }) => p.id)).toEqual([
      'react-baseline',
      'three-roles',
      'summarizer-only',
      'corrector-only',
    ]);
  });
});
