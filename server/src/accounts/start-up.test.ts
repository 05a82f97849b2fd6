import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.ts';
import { UsersRepo } from '../store/users.ts';
import { AccountService } from './service.ts';
import { startAccounts } from './start-up.ts';

describe('accounts at start-up', () => {
  let store: Store;
  let accounts: AccountService;
  let lines: string[];
  const log = (line: string) => void lines.push(line);
  beforeEach(async () => {
    store = await openStore(':memory:');
    accounts = new AccountService(new UsersRepo(store));
    lines = [];
  });
  afterEach(() => store.close());

  it('creates the first admin from TRELLIS_ADMIN_PASSWORD once, and leaves later starts alone', async () => {
    await startAccounts(accounts, { adminPassword: 'first admin secret' }, log);
    expect(lines).toEqual([
      "accounts: created the admin 'admin' with the password in TRELLIS_ADMIN_PASSWORD",
    ]);
    expect((await accounts.signIn('admin', 'first admin secret')).user.role).toBe('admin');
    lines = [];
    await startAccounts(accounts, { adminPassword: 'another secret!!' }, log);
    expect(lines).toEqual([]);
    await expect(accounts.signIn('admin', 'another secret!!')).rejects.toThrow('wrong user name or password');
  });

  it('says how to create the first admin when there is none, and that a shared access token is unused', async () => {
    await startAccounts(accounts, { accessTokenIgnored: true }, log);
    expect(lines).toEqual([
      expect.stringContaining('TRELLIS_ACCESS_TOKEN is not used'),
      expect.stringContaining('trellis user add <name> --role admin'),
    ]);
  });

  it('does nothing in single-user mode', async () => {
    await startAccounts(null, { adminPassword: 'first admin secret' }, log);
    expect(lines).toEqual([]);
  });
});
