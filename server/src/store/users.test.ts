import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import type { Store } from './sql.ts';
import { UsersRepo } from './users.ts';

const T0 = '2030-01-01T00:00:00.000Z';
const T1 = '2030-01-02T00:00:00.000Z';

describe.each(STORE_KINDS)('the users repository on $kind', ({ open }) => {
  let store: Store;
  let users: UsersRepo;
  beforeEach(async () => {
    store = await open();
    users = new UsersRepo(store);
    await users.create({ id: 'usr_a', name: 'ada', role: 'admin', passwordHash: 'hash-a', now: T0 });
    await users.create({ id: 'usr_b', name: 'bob', role: 'viewer', passwordHash: 'hash-b', now: T0 });
  });
  afterEach(async () => {
    await store.close();
  });

  it('adds users with unique names and reads them back by id and by name', async () => {
    expect(await users.create({ id: 'usr_c', name: 'ada', role: 'member', passwordHash: 'x', now: T1 })).toBe(
      false,
    );
    expect(await users.get('usr_a')).toEqual({
      id: 'usr_a',
      name: 'ada',
      role: 'admin',
      disabled: false,
      createdAt: T0,
    });
    expect((await users.getByName('bob'))?.id).toBe('usr_b');
    expect(await users.getByName('nobody')).toBeUndefined();
    expect((await users.list()).map((user) => user.name)).toEqual(['ada', 'bob']);
    expect(await users.count()).toBe(2);
    expect(await users.credentials('ada')).toMatchObject({ passwordHash: 'hash-a', user: { id: 'usr_a' } });
  });

  it('changes roles, counts active admins, and ends sessions when a user is disabled', async () => {
    expect(await users.activeAdmins()).toBe(1);
    await users.update('usr_b', { role: 'admin' }, T1);
    expect(await users.activeAdmins()).toBe(2);
    await users.createSession({ idHash: 's1', userId: 'usr_b', now: T0, expiresAt: T1 });
    const disabled = await users.update('usr_b', { disabled: true }, T1);
    expect(disabled).toMatchObject({ role: 'admin', disabled: true });
    expect(await users.activeAdmins()).toBe(1);
    expect(await users.session('s1')).toBeUndefined();
    expect(await users.update('usr_missing', { role: 'member' }, T1)).toBeUndefined();
  });

  it('keeps sessions by hash with their user, moves their expiry, and forgets expired ones', async () => {
    await users.createSession({ idHash: 's1', userId: 'usr_a', now: T0, expiresAt: T1 });
    await users.createSession({
      idHash: 's2',
      userId: 'usr_b',
      now: T0,
      expiresAt: '2029-12-31T00:00:00.000Z',
    });
    expect(await users.session('s1')).toEqual({
      user: expect.objectContaining({ name: 'ada' }),
      record: { createdAt: T0, lastSeenAt: T0, expiresAt: T1 },
    });
    await users.touchSession('s1', T1, '2030-01-15T00:00:00.000Z');
    expect((await users.session('s1'))?.record).toMatchObject({
      lastSeenAt: T1,
      expiresAt: '2030-01-15T00:00:00.000Z',
    });
    expect(await users.deleteExpiredSessions(T0)).toBe(1);
    expect(await users.session('s2')).toBeUndefined();
    await users.deleteSession('s1');
    expect(await users.session('s1')).toBeUndefined();
  });

  it('ends every session of a user whose password changes', async () => {
    await users.createSession({ idHash: 's1', userId: 'usr_a', now: T0, expiresAt: T1 });
    expect(await users.setPassword('usr_a', 'hash-new', T1)).toBe(true);
    expect(await users.session('s1')).toBeUndefined();
    expect((await users.credentials('ada'))?.passwordHash).toBe('hash-new');
  });

  it("lists a user's tokens in force, newest first, and revokes only the user's own", async () => {
    await users.createToken({
      id: 'tok_1',
      userId: 'usr_a',
      name: 'ci',
      tokenHash: 'h1',
      now: T0,
      expiresAt: null,
    });
    const second = await users.createToken({
      id: 'tok_2',
      userId: 'usr_a',
      name: 'laptop',
      tokenHash: 'h2',
      now: T1,
      expiresAt: '2030-02-01T00:00:00.000Z',
    });
    expect(second).toEqual({
      id: 'tok_2',
      name: 'laptop',
      createdAt: T1,
      lastUsedAt: null,
      expiresAt: '2030-02-01T00:00:00.000Z',
    });
    expect((await users.tokens('usr_a')).map((token) => token.id)).toEqual(['tok_2', 'tok_1']);
    expect(await users.tokens('usr_b')).toEqual([]);

    await users.touchToken('tok_1', T1);
    expect(await users.tokenByHash('h1')).toEqual({
      user: expect.objectContaining({ id: 'usr_a' }),
      record: { id: 'tok_1', name: 'ci', createdAt: T0, lastUsedAt: T1, expiresAt: null, revokedAt: null },
    });

    expect(await users.revokeToken('usr_b', 'tok_1', T1)).toBe(false);
    expect(await users.revokeToken('usr_a', 'tok_1', T1)).toBe(true);
    expect(await users.revokeToken('usr_a', 'tok_1', T1)).toBe(false);
    expect((await users.tokenByHash('h1'))?.record.revokedAt).toBe(T1);
    expect((await users.tokens('usr_a')).map((token) => token.id)).toEqual(['tok_2']);
    expect(await users.tokenByHash('unknown')).toBeUndefined();
  });

  it('names the authors of records by their ids', async () => {
    const authors = await users.authors(['usr_a', null, 'usr_a', 'usr_b', 'usr_gone']);
    expect([...authors.values()]).toEqual(
      expect.arrayContaining([
        { id: 'usr_a', name: 'ada' },
        { id: 'usr_b', name: 'bob' },
      ]),
    );
    expect(authors.size).toBe(2);
    expect((await users.authors([null])).size).toBe(0);
  });
});
