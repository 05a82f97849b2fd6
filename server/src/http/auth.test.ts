import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Experiment, GraphVersion, Rescue, RunDetail, RunList } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { experimentServices } from '../experiments/services.ts';
import { replayServices } from '../replay/services.ts';
import { addTestUser, type TestUser } from '../testing/accounts.ts';
import type { TestRun } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';
import { eventually } from '../testing/wait.ts';

const ROUTES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'routes');

/** Routes that do not follow the default rule (reads for anyone signed in, changes for members), and why. */
const NOT_MEMBER_ONLY = new Set([
  'POST /api/auth/sign-in', // public
  'POST /api/auth/sign-out', // public
  'POST /api/auth/tokens', // one's own tokens: any role
  'DELETE /api/auth/tokens/:id',
  'POST /api/users', // admins only (their own test below)
  'PATCH /api/users/:id',
  'POST /api/graphs/validate', // checks a graph, stores nothing
]);

/**
 * Every route that creates, changes, starts, cancels or deletes something, read from the route plugins' source
 * so that a route added later is covered without editing this test.
 */
function changingRoutes(): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  for (const file of fs.readdirSync(ROUTES_DIR)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const prefix = file === 'appworld.ts' ? '/appworld' : '/api';
    const source = fs.readFileSync(path.join(ROUTES_DIR, file), 'utf8');
    for (const match of source.matchAll(/app\.(post|put|patch|delete)\(\s*'([^']+)'/g)) {
      routes.push({ method: match[1]!.toUpperCase(), url: `${prefix}${match[2]!}` });
    }
  }
  return routes.filter((route) => !NOT_MEMBER_ONLY.has(`${route.method} ${route.url}`));
}

describe('accounts across the app', () => {
  const r: TestRun = useTestRun({ config: () => ({ auth: 'accounts' }) });
  const users: Record<'admin' | 'member' | 'viewer', TestUser> = {} as never;
  const ensureUsers = async () => {
    if (users.admin) return;
    users.admin = await addTestUser(r.t.ctx.accounts!, 'ada', 'admin');
    users.member = await addTestUser(r.t.ctx.accounts!, 'mia', 'member');
    users.viewer = await addTestUser(r.t.ctx.accounts!, 'vic', 'viewer');
  };
  const as = async (
    who: keyof typeof users,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => {
    await ensureUsers();
    return r.t.app.inject({ method, url, headers: users[who].headers, ...(payload ? { payload } : {}) });
  };

  it('covers every route group with the default rule', () => {
    const groups = new Set(changingRoutes().map((route) => route.url.split('/')[2]));
    for (const group of [
      'endpoints',
      'graphs',
      'runs',
      'rescues',
      'experiments',
      'searches',
      'optimisations',
    ]) {
      expect(groups, group).toContain(group);
    }
    expect(groups).toContain('playground');
    expect(changingRoutes().length).toBeGreaterThan(25);
  });

  it('refuses a viewer every change, start, cancel and delete with 403 naming the role', async () => {
    const refused: string[] = [];
    for (const route of changingRoutes()) {
      const url = route.url.replaceAll(/:[a-zA-Z]+/g, 'some-id');
      const res = await as('viewer', route.method as 'POST', url, {});
      const body = res.json() as { error?: { code: string; message: string } };
      if (res.statusCode !== 403 || !body.error?.message.includes("'vic' is a viewer")) {
        refused.push(`${route.method} ${url} answered ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('lets a viewer read every list and validate a graph', async () => {
    for (const url of [
      '/api/endpoints',
      '/api/graphs',
      '/api/runs',
      '/api/rescues',
      '/api/experiments',
      '/api/searches',
      '/api/optimisations',
      '/api/tasks',
      '/api/presets',
      '/api/auth/me',
      '/api/auth/tokens',
    ]) {
      expect((await as('viewer', 'GET', url)).statusCode, url).toBe(200);
    }
    const validate = await as('viewer', 'POST', '/api/graphs/validate', { graph: r.graph('react-baseline') });
    expect(validate.statusCode).toBe(200);
  });

  it('keeps the user list to admins', async () => {
    expect((await as('member', 'GET', '/api/users')).statusCode).toBe(403);
    expect((await as('viewer', 'GET', '/api/users')).statusCode).toBe(403);
    expect((await as('admin', 'GET', '/api/users')).statusCode).toBe(200);
  });

  it('asks for credentials on the API and the AppWorld protocol, but not for the health check', async () => {
    expect((await r.t.app.inject({ method: 'GET', url: '/api/runs' })).statusCode).toBe(401);
    expect(
      (await r.t.app.inject({ method: 'POST', url: '/appworld/initialize', payload: {} })).statusCode,
    ).toBe(401);
    expect((await r.t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('records who saved a graph version and who started a run, and returns their name', async () => {
    const saved = await as('member', 'POST', '/api/graphs/versions', {
      graph: r.graph('react-baseline', (_nodes, graph) => {
        graph.name = 'attributed graph';
      }),
    });
    expect(saved.statusCode).toBe(201);
    const version = saved.json() as GraphVersion;
    const mia = { id: users.member.user.id, name: 'mia' };
    expect(version.author).toEqual(mia);
    const versions = (
      await as('viewer', 'GET', `/api/graphs/${version.graphId}/versions`)
    ).json() as GraphVersion[];
    expect(versions[0]!.author).toEqual(mia);

    const started = await as('member', 'POST', '/api/runs', {
      graphVersionId: version.id,
      taskId: 'notes_pin_1',
      endpointId: r.endpointId,
    });
    expect(started.statusCode).toBe(201);
    const run = started.json() as RunDetail;
    expect(run.author).toEqual(mia);
    await r.finished(run.id);
    expect(((await as('viewer', 'GET', `/api/runs/${run.id}`)).json() as RunDetail).author).toEqual(mia);
    const list = (await as('viewer', 'GET', '/api/runs')).json() as RunList;
    expect(list.runs.find((listed) => listed.id === run.id)?.author).toEqual(mia);
  });

  it("records an experiment's author on it and on each of its runs", async () => {
    const created = await as('member', 'POST', '/api/experiments', {
      arms: [{ preset: 'react-baseline', endpointId: r.endpointId }],
      tasks: { ids: ['notes_pin_1'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const experiment = created.json() as Experiment;
    expect(experiment.author?.name).toBe('mia');
    await experimentServices(r.t.ctx).experiments.settled(experiment.id);
    const listed = (await as('viewer', 'GET', '/api/experiments')).json() as { experiments: Experiment[] };
    expect(listed.experiments.find((e) => e.id === experiment.id)?.author?.name).toBe('mia');
    const { items } = (await as('viewer', 'GET', `/api/experiments/${experiment.id}/items`)).json() as {
      items: { runId: string }[];
    };
    const run = (await as('viewer', 'GET', `/api/runs/${items[0]!.runId}`)).json() as RunDetail;
    expect(run.author?.name).toBe('mia');
  });

  it("records a rescue's author on it and on the forks it starts", async () => {
    const failed = (
      await as('member', 'POST', '/api/runs', {
        graph: r.graph('react-baseline'),
        taskId: 'notes_pin_2',
        endpointId: r.endpointId,
      })
    ).json() as RunDetail;
    expect((await r.finished(failed.id)).status).not.toBe('succeeded');
    const created = await as('admin', 'POST', '/api/rescues', { runIds: [failed.id] });
    expect(created.statusCode, created.body).toBe(201);
    const rescue = created.json() as Rescue;
    expect(rescue.author?.name).toBe('ada');
    await replayServices(r.t.ctx).rescues.settled(rescue.id);
    const pair = await eventually(async () => {
      const current = (await as('viewer', 'GET', `/api/rescues/${rescue.id}`)).json() as Rescue;
      const forkRunId = current.pairs[0]?.forkRunId;
      if (!forkRunId) throw new Error('the fork has not started yet');
      return forkRunId;
    });
    expect(((await as('viewer', 'GET', `/api/runs/${pair}`)).json() as RunDetail).author?.name).toBe('ada');
  });
});

describe('single-user mode with accounts code present', () => {
  const r: TestRun = useTestRun();

  it('asks for nothing, records no author, and offers no account routes', async () => {
    const me = await r.t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(me.json()).toEqual({ mode: 'single-user', user: null });
    const saved = await r.t.app.inject({
      method: 'POST',
      url: '/api/graphs/versions',
      payload: { graph: r.graph('react-baseline') },
    });
    expect(saved.statusCode).toBe(201);
    expect((saved.json() as GraphVersion).author).toBeNull();
    const run = await r.run(r.graph('react-baseline'), 'notes_pin_1');
    expect(run.author).toBeNull();
    await r.finished(run.id);
    expect((await r.t.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(404);
    expect(
      (
        await r.t.app.inject({
          method: 'POST',
          url: '/api/auth/sign-in',
          payload: { name: 'a', password: 'b' },
        })
      ).statusCode,
    ).toBe(404);
    expect(r.t.ctx.accounts).toBeNull();
  });
});
