import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../accounts/service.ts';
import { installAuth } from '../http/auth.ts';
import { installErrorHandling } from '../http/errors.ts';
import { openStore, type Store } from '../store/db.ts';
import { UsersRepo } from '../store/users.ts';
import { addTestUser, signInCookie, type TestUser } from '../testing/accounts.ts';
import { authRoutes } from './auth.ts';
import { userRoutes } from './users.ts';

/** The auth plugin and the account routes, beside two stand-in routes: one read and one change. */
async function accountsApp(accounts: AccountService | null): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandling(app);
  installAuth(app, accounts);
  await app.register(
    async (api) => {
      await api.register(authRoutes(accounts));
      if (accounts) await api.register(userRoutes(accounts));
      api.get('/notes', async (request) => ({ readBy: request.user?.name ?? null }));
      api.post('/notes', async (request, reply) =>
        reply.status(201).send({ by: request.user?.name ?? null }),
      );
    },
    { prefix: '/api' },
  );
  app.get('/index.html', async () => 'the web app');
  return app;
}

describe('accounts: signing in, sessions, tokens and roles', () => {
  let store: Store;
  let app: FastifyInstance;
  let accounts: AccountService;
  let now = new Date('2030-01-01T00:00:00Z');
  let admin: TestUser;
  let member: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    store = await openStore(':memory:');
    accounts = new AccountService(new UsersRepo(store), { now: () => now });
    app = await accountsApp(accounts);
    admin = await addTestUser(accounts, 'ada', 'admin');
    member = await addTestUser(accounts, 'mia', 'member');
    viewer = await addTestUser(accounts, 'vic', 'viewer');
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('signs in with the right password: an HttpOnly, SameSite=Lax cookie whose session works', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { name: 'mia', password: member.password },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      mode: 'accounts',
      user: expect.objectContaining({ name: 'mia', role: 'member' }),
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^trellis_session=[\w-]{40,}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=1209600$/);
    const me = await get('/api/auth/me', { cookie: cookie.split(';')[0]! });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.name).toBe('mia');
  });

  it('marks the cookie Secure when the browser came over HTTPS through a proxy', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { name: 'mia', password: member.password },
    });
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('stores the session and the password only as hashes', async () => {
    const cookie = await signInCookie(app, 'mia', member.password);
    const secret = cookie.split('=')[1]!;
    const rows = await store.all<Record<string, unknown>>('SELECT * FROM user_sessions');
    const users = await store.all<Record<string, unknown>>('SELECT * FROM users');
    const tokens = await store.all<Record<string, unknown>>('SELECT * FROM api_tokens');
    const everything = JSON.stringify([rows, users, tokens]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(member.password);
    expect(everything).not.toContain(member.token);
    expect(String(users[0]!.password_hash)).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('refuses a wrong password or an unknown name with the same answer', async () => {
    for (const payload of [
      { name: 'mia', password: 'not her password' },
      { name: 'nobody', password: 'whatever it is' },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'wrong user name or password' },
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses sign-in for a while after ten wrong passwords from one address, without locking others out', async () => {
    const signIn = (password: string, remoteAddress = '10.0.0.9') =>
      app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        remoteAddress,
        payload: { name: 'vic', password },
      });
    for (let i = 0; i < 10; i++) expect((await signIn(`guess number ${i}`)).statusCode).toBe(401);
    const refused = await signIn(viewer.password);
    expect(refused.json().error).toEqual({
      code: 'too_many_attempts',
      message: "too many failed sign-ins for 'vic'; try again in 15 minute(s)",
    });
    expect((await signIn(viewer.password, '10.0.0.10')).statusCode).toBe(200);
    const start = now;
    try {
      now = new Date(start.getTime() + 16 * 60_000);
      expect((await signIn(viewer.password)).statusCode).toBe(200);
    } finally {
      now = start;
    }
  });

  it('validates the sign-in body with the shared schema', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { name: 'mia' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('password');
  });

  it('asks for sign-in when a request carries no credentials, and leaves the web app open', async () => {
    const res = await get('/api/notes');
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({
      code: 'unauthenticated',
      message: expect.stringContaining('sign in first'),
    });
    expect((await get('/index.html')).statusCode).toBe(200);
  });

  it('guards a route however its path is spelled', async () => {
    for (const url of ['/%61pi/notes', '/api/%6eotes', '/api/notes?x=1']) {
      expect((await get(url)).statusCode, url).toBe(401);
    }
  });

  it('ends the session on sign-out: the old cookie is refused and cleared', async () => {
    const cookie = await signInCookie(app, 'mia', member.password);
    const out = await app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await get('/api/notes', { cookie });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_session');
    expect(String(after.headers['set-cookie'])).toMatch(/^trellis_session=; .*Max-Age=0/);
  });

  it('expires a session left unused for two weeks, and keeps one in use alive', async () => {
    const start = now;
    try {
      const used = await signInCookie(app, 'mia', member.password);
      const idle = await signInCookie(app, 'mia', member.password);
      now = new Date(start.getTime() + 10 * 86_400_000);
      const renewed = await get('/api/notes', { cookie: used });
      expect(renewed.statusCode).toBe(200);
      expect(String(renewed.headers['set-cookie'])).toContain('Max-Age=');
      now = new Date(start.getTime() + 20 * 86_400_000);
      expect((await get('/api/notes', { cookie: used })).statusCode).toBe(200);
      const expired = await get('/api/notes', { cookie: idle });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.message).toBe('your session has expired or was ended; sign in again');
    } finally {
      now = start;
    }
  });

  it('admits an API token as Bearer, and refuses a wrong one with a clear error', async () => {
    const ok = await get('/api/notes', member.headers);
    expect(ok.json()).toEqual({ readBy: 'mia' });
    for (const authorization of [`Bearer trl_${'x'.repeat(43)}`, 'Bearer', 'Basic bWlhOnB3']) {
      const res = await get('/api/notes', { authorization });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_token');
    }
    expect((await get('/api/notes', { authorization: 'Bearer nope' })).json().error.message).toBe(
      'the API token is not valid: check that it was copied whole',
    );
  });

  it('creates a token shown once, lists it with when it was last used, and refuses it once revoked', async () => {
    const cookie = await signInCookie(app, 'mia', member.password);
    const created = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie },
      payload: { name: 'nightly evals' },
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret).toMatch(/^trl_[\w-]{43}$/);
    expect(token).toEqual({
      id: expect.stringMatching(/^tok_/),
      name: 'nightly evals',
      createdAt: now.toISOString(),
      lastUsedAt: null,
      expiresAt: null,
    });
    expect((await get('/api/notes', { authorization: `Bearer ${secret}` })).statusCode).toBe(200);
    const listed = (await get('/api/auth/tokens', { cookie })).json();
    expect(listed.find((t: { id: string }) => t.id === token.id)).toEqual({
      ...token,
      lastUsedAt: now.toISOString(),
    });
    expect(JSON.stringify(listed)).not.toContain(secret);

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/auth/tokens/${token.id}`,
      headers: { cookie },
    });
    expect(revoked.statusCode).toBe(204);
    const refused = await get('/api/notes', { authorization: `Bearer ${secret}` });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toEqual({
      code: 'invalid_token',
      message: `the API token 'nightly evals' was revoked on ${now.toISOString()}`,
    });
    expect((await get('/api/auth/tokens', { cookie })).json().map((t: { id: string }) => t.id)).not.toContain(
      token.id,
    );
  });

  it("cannot revoke another user's token", async () => {
    const [own] = (await get('/api/auth/tokens', admin.headers)).json();
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/auth/tokens/${own.id}`,
      headers: member.headers,
    });
    expect(res.statusCode).toBe(404);
    expect((await get('/api/notes', admin.headers)).statusCode).toBe(200);
  });

  it('refuses an expired token', async () => {
    const { secret } = await accounts.createToken(member.user, { name: 'short', expiresInDays: 1 });
    const start = now;
    try {
      now = new Date(start.getTime() + 2 * 86_400_000);
      const res = await get('/api/notes', { authorization: `Bearer ${secret}` });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toMatch(/^the API token 'short' expired on 2030-01-02/);
    } finally {
      now = start;
    }
  });

  it('lets a viewer read but not change anything, and says why', async () => {
    expect((await get('/api/notes', viewer.headers)).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/api/notes', headers: viewer.headers, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({
      code: 'forbidden',
      message: expect.stringContaining("'vic' is a viewer"),
    });
    const member201 = await app.inject({
      method: 'POST',
      url: '/api/notes',
      headers: member.headers,
      payload: {},
    });
    expect(member201.json()).toEqual({ by: 'mia' });
  });

  it('lets a viewer manage their own API tokens', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: viewer.headers,
      payload: { name: 'read-only script' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('keeps managing users to admins', async () => {
    for (const who of [member, viewer]) {
      expect((await get('/api/users', who.headers)).statusCode).toBe(403);
      const create = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: who.headers,
        payload: { name: 'eve', role: 'admin' },
      });
      expect(create.statusCode).toBe(403);
      expect(create.json().error.message).toBe(
        `only admins may manage users; '${who.user.name}' is a ${who.user.role}`,
      );
    }
    const users = await get('/api/users', admin.headers);
    expect(users.statusCode).toBe(200);
    expect(users.json().map((u: { name: string }) => u.name)).toEqual(
      expect.arrayContaining(['ada', 'mia', 'vic']),
    );
  });

  it('creates a user with a generated password shown once, which signs in', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { name: 'newcomer', role: 'viewer' },
    });
    expect(res.statusCode).toBe(201);
    const { user, password } = res.json();
    expect(user).toMatchObject({ name: 'newcomer', role: 'viewer', disabled: false });
    expect(password).toMatch(/^[\w-]{24}$/);
    await signInCookie(app, 'newcomer', password);
    const again = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { name: 'newcomer' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe("a user named 'newcomer' already exists");
    const bad = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { name: 'Has Spaces', role: 'owner' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/name: .*lower-case.*role/s);
  });

  it('disables a user: their sessions and tokens stop working at once', async () => {
    const dan = await addTestUser(accounts, 'dan', 'member');
    const cookie = await signInCookie(app, 'dan', dan.password);
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/users/${dan.user.id}`,
      headers: admin.headers,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'dan', disabled: true });
    expect((await get('/api/notes', { cookie })).statusCode).toBe(401);
    const byToken = await get('/api/notes', dan.headers);
    expect(byToken.statusCode).toBe(401);
    expect(byToken.json().error).toEqual({
      code: 'account_disabled',
      message: "the account 'dan' is disabled; an admin can enable it again",
    });
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { name: 'dan', password: dan.password },
    });
    expect(signIn.json().error.code).toBe('account_disabled');
  });

  it('changes a role, and never leaves the server without an active admin', async () => {
    const promoted = await app.inject({
      method: 'PATCH',
      url: `/api/users/${viewer.user.id}`,
      headers: admin.headers,
      payload: { role: 'member' },
    });
    expect(promoted.json().role).toBe('member');
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/users/${admin.user.id}`,
      headers: admin.headers,
      payload: { role: 'member' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe("'ada' is the only active admin: make another user admin first");
    const self = await app.inject({
      method: 'PATCH',
      url: `/api/users/${admin.user.id}`,
      headers: admin.headers,
      payload: { disabled: true },
    });
    expect(self.json().error.message).toBe('you cannot disable your own account');
    await app.inject({
      method: 'PATCH',
      url: `/api/users/${viewer.user.id}`,
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
  });
});

describe('single-user mode', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await accountsApp(null);
  });
  afterAll(() => app.close());

  it('asks for no credentials, records no user, and says there are no accounts', async () => {
    const me = await app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(me.json()).toEqual({ mode: 'single-user', user: null });
    const post = await app.inject({ method: 'POST', url: '/api/notes', payload: {} });
    expect(post.statusCode).toBe(201);
    expect(post.json()).toEqual({ by: null });
    expect((await app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: {} })).statusCode).toBe(
      404,
    );
  });
});
