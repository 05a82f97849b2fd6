import { ApiDoc } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { apiDoc } from './api/docs.ts';
import { APPS, createSeedWorld, createWorld } from './index.ts';
import { seedState } from './seed/index.ts';
import type { World } from './world.ts';

function ok(world: World, app: string, api: string, args: Record<string, unknown> = {}): unknown {
  const result = world.call(app, api, args);
  if (result.status !== 200) throw new Error(`${app}.${api} failed: ${JSON.stringify(result)}`);
  return result.body;
}

function login(world: World, app: string): string {
  const { email } = ok(world, 'supervisor', 'show_profile') as { email: string };
  const passwords = ok(world, 'supervisor', 'show_account_passwords') as {
    account_name: string;
    password: string;
  }[];
  const password = passwords.find((p) => p.account_name === app)?.password;
  return (ok(world, app, 'login', { username: email, password }) as { access_token: string }).access_token;
}

function message(result: { body: unknown }): string {
  return (result.body as { message: string }).message;
}

describe('World.call', () => {
  const world = createSeedWorld('unit');
  const token = login(world, 'notes');

  it('logs in with the supervisor password and returns a bearer token', () => {
    expect(token).toMatch(/^notes\./);
    const { email } = ok(world, 'supervisor', 'show_profile') as { email: string };
    const wrong = world.call('notes', 'login', { username: email, password: 'nope' });
    expect(wrong.status).toBe(401);
  });

  it('answers 401 when the access token is missing or wrong', () => {
    const missing = world.call('notes', 'search_notes', {});
    expect(missing.status).toBe(401);
    expect(message(missing)).toContain('notes.login');
    expect(world.call('notes', 'search_notes', { access_token: 'forged' }).status).toBe(401);
    const otherApp = login(world, 'todo');
    expect(world.call('notes', 'search_notes', { access_token: otherApp }).status).toBe(401);
  });

  it('answers 404 for an unknown app or API and suggests close names', () => {
    const app = world.call('note', 'search_notes', {});
    expect(app.status).toBe(404);
    expect(message(app)).toContain("'notes'");
    const api = world.call('notes', 'search_note', { access_token: token });
    expect(api.status).toBe(404);
    expect(message(api)).toContain("'search_notes'");
  });

  it('answers 404 for an id that does not exist', () => {
    const result = world.call('notes', 'show_note', { access_token: token, note_id: 99999 });
    expect(result.status).toBe(404);
    expect(message(result)).toContain('99999');
  });

  it('answers 422 naming the field for a wrong type, a missing parameter or an unknown one', () => {
    const wrongType = world.call('notes', 'show_note', { access_token: token, note_id: 'seven' });
    expect(wrongType.status).toBe(422);
    expect(message(wrongType)).toContain("'note_id' must be an integer");
    const missing = world.call('notes', 'show_note', { access_token: token });
    expect(message(missing)).toContain("missing required parameter 'note_id'");
    const unknown = world.call('notes', 'show_note', { access_token: token, note_id: 1, noteid: 1 });
    expect(unknown.status).toBe(422);
    expect(message(unknown)).toContain("unknown parameter 'noteid'");
    const choice = world.call('notes', 'search_notes', { access_token: token, sort_by: 'newest' });
    expect(message(choice)).toContain("'sort_by' must be one of");
    const email = world.call('wallet', 'send_money', {
      access_token: login(world, 'wallet'),
      receiver_email: 'bob',
      amount: 5,
    });
    expect(message(email)).toContain("'receiver_email' must be an email address");
  });

  it('rejects an access token on an API that needs none, saying why', () => {
    const result = world.call('music', 'search_songs', { access_token: 'x' });
    expect(result.status).toBe(422);
    expect(message(result)).toContain('needs no access token');
  });

  it('returns copies, so changing a response cannot change the world', () => {
    const notes = ok(world, 'notes', 'search_notes', { access_token: token }) as { title: string }[];
    const first = notes[0];
    if (first) first.title = 'changed';
    const again = ok(world, 'notes', 'search_notes', { access_token: token }) as { title: string }[];
    expect(again[0]?.title).not.toBe('changed');
  });
});

describe('pagination', () => {
  const world = createSeedWorld('pages');
  const token = login(world, 'music');

  it('returns 5 items by default and at most 20', () => {
    expect(ok(world, 'music', 'show_liked_songs', { access_token: token })).toHaveLength(5);
    expect(ok(world, 'music', 'show_liked_songs', { access_token: token, page_limit: 20 })).toHaveLength(20);
    const tooMany = world.call('music', 'show_liked_songs', { access_token: token, page_limit: 21 });
    expect(tooMany.status).toBe(422);
    expect(message(tooMany)).toContain("'page_limit' must be at most 20");
    expect(world.call('music', 'show_liked_songs', { access_token: token, page_index: -1 }).status).toBe(422);
  });

  it('walks every item page by page and ends with an empty page', () => {
    const total = world.snapshot().tables.music_likes.length;
    const seen: number[] = [];
    for (let page = 0; ; page++) {
      const batch = ok(world, 'music', 'show_liked_songs', {
        access_token: token,
        page_index: page,
        page_limit: 7,
      }) as {
        song_id: number;
      }[];
      if (batch.length === 0) break;
      seen.push(...batch.map((song) => song.song_id));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });
});

describe('determinism', () => {
  it('builds the same world from the same task id', () => {
    expect(createWorld('notes_pin_1').snapshot()).toEqual(createWorld('notes_pin_1').snapshot());
    expect(seedState('x')).toEqual(seedState('x'));
  });

  it('builds different worlds from different ids', () => {
    const a = createWorld('notes_pin_1').snapshot();
    const b = createWorld('notes_pin_2').snapshot();
    expect(a.meta.supervisor).not.toBe(b.meta.supervisor);
    expect(a.tables.accounts.map((x) => x.password)).not.toEqual(b.tables.accounts.map((x) => x.password));
  });

  it('hands out the same tokens for the same calls', () => {
    expect(login(createWorld('todo_add_1'), 'todo')).toBe(login(createWorld('todo_add_1'), 'todo'));
  });
});

describe('docs match validation', () => {
  const world = createSeedWorld('docs');
  const tokens = new Map(
    [...APPS.values()]
      .filter((a) => a.apis.some((api) => api.name === 'login'))
      .map((a) => [a.name, login(world, a.name)]),
  );

  for (const app of APPS.values()) {
    for (const api of app.apis) {
      it(`${app.name}.${api.name}: the doc lists exactly what validation accepts`, () => {
        const doc = ok(world, 'api_docs', 'show_api_doc', { app_name: app.name, api_name: api.name });
        expect(ApiDoc.parse(doc)).toEqual(apiDoc(app.name, api));
        const auth = api.requiresAuth ? { access_token: tokens.get(app.name) } : {};
        const documented = ApiDoc.parse(doc).parameters;
        expect(documented.map((p) => p.name)).toEqual([
          ...(api.requiresAuth ? ['access_token'] : []),
          ...Object.keys(api.params),
        ]);

        const unknown = world.call(app.name, api.name, { ...auth, not_a_parameter: 1 });
        expect(unknown.status).toBe(422);
        expect(message(unknown)).toContain("'not_a_parameter'");
        for (const p of documented.filter((d) => d.required && d.name !== 'access_token')) {
          const result = world.call(app.name, api.name, { ...auth });
          expect(result.status).toBe(422);
          expect(message(result)).toContain(`missing required parameter '${p.name}'`);
          const wrong = world.call(app.name, api.name, { ...auth, [p.name]: { nested: true } });
          expect(message(wrong)).toContain(`'${p.name}' must be`);
        }
      });
    }
  }

  it('lists every app and every API of an app', () => {
    const apps = ok(world, 'api_docs', 'show_app_descriptions') as { name: string }[];
    expect(apps.map((a) => a.name)).toEqual([...APPS.keys()]);
    const apis = ok(world, 'api_docs', 'show_api_descriptions', { app_name: 'wallet' }) as { name: string }[];
    expect(apis.map((a) => a.name)).toContain('send_money');
    expect(world.call('api_docs', 'show_api_descriptions', { app_name: 'walet' }).status).toBe(404);
  });
});

describe('snapshots and completion', () => {
  it('snapshot is a deep copy and restore rolls back', () => {
    const world = createWorld('notes_create_1');
    const before = world.snapshot();
    before.tables.notes.length = 0;
    expect(world.snapshot().tables.notes.length).toBeGreaterThan(0);
    const token = login(world, 'notes');
    ok(world, 'notes', 'create_note', { access_token: token, title: 'Scratch' });
    const saved = world.initialSnapshot();
    world.restore(saved);
    expect(world.snapshot().tables.notes).toEqual(saved.tables.notes);
  });

  it('reports completion once complete_task is called, and only once', () => {
    const world = createWorld('wallet_balance_1');
    expect(world.completion()).toEqual({ completed: false, answer: null, status: null });
    ok(world, 'supervisor', 'complete_task', { answer: 42 });
    expect(world.completion()).toEqual({ completed: true, answer: 42, status: 'success' });
    expect(world.call('supervisor', 'complete_task', {}).status).toBe(422);
  });
});
