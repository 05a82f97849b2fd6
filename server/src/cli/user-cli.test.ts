import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccountService } from '../accounts/service.ts';
import { openStore } from '../store/db.ts';
import { UsersRepo } from '../store/users.ts';
import { main } from './main.ts';
import { user } from './user-run.ts';

describe('trellis user', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-users-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function capture(argv: string[]): Promise<{ code: number; out: string }> {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
    try {
      return { code: await user([...argv, '--data-dir', dataDir]), out: out.join('\n') };
    } finally {
      log.mockRestore();
    }
  }

  async function withAccounts<T>(work: (accounts: AccountService) => Promise<T>): Promise<T> {
    const store = await openStore(path.join(dataDir, 'trellis.db'));
    try {
      return await work(new AccountService(new UsersRepo(store)));
    } finally {
      await store.close();
    }
  }

  it('adds the first admin and prints a generated password once, which signs in', async () => {
    const { code, out } = await capture(['add', 'ada', '--role', 'admin']);
    expect(code).toBe(0);
    expect(out).toContain("Added admin 'ada'.");
    const password = /Password \(shown this once; they sign in with it\): (\S+)/.exec(out)?.[1];
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(out).toContain('TRELLIS_AUTH=accounts');
    const session = await withAccounts((accounts) => accounts.signIn('ada', password!));
    expect(session.user).toMatchObject({ name: 'ada', role: 'admin' });
  });

  it('lists users and resets a password, ending the old one', async () => {
    await capture(['add', 'mia']);
    const listed = await capture(['list']);
    expect(listed.out).toMatch(/^ada\s+admin\s+active\s+added /m);
    expect(listed.out).toMatch(/^mia\s+member\s+active\s+added /m);
    expect(listed.out).toContain('2 user(s)');
    const reset = await capture(['reset-password', 'mia']);
    const password = /: (\S+)$/.exec(reset.out.split('\n')[0]!)?.[1];
    await expect(withAccounts((accounts) => accounts.signIn('mia', password!))).resolves.toBeTruthy();
  });

  it('refuses a taken name, a bad name or role, and a missing name, saying which', async () => {
    await expect(capture(['add', 'ada'])).rejects.toThrow("a user named 'ada' already exists");
    await expect(capture(['add', 'Ada Lovelace'])).rejects.toThrow(/lower-case letters/);
    await expect(capture(['add', 'eve', '--role', 'owner'])).rejects.toThrow(
      "--role must be admin, member, viewer, not 'owner'",
    );
    await expect(capture(['add', '--role', 'admin'])).rejects.toThrow("user add needs the user's name");
    await expect(capture(['reset-password', 'nobody'])).rejects.toThrow("no user named 'nobody'");
  });

  it('is a command of trellis: a refusal prints its cause and exits 2', async () => {
    const errors: string[] = [];
    const error = vi
      .spyOn(console, 'error')
      .mockImplementation((...args) => void errors.push(args.join(' ')));
    try {
      expect(await main(['user', 'add', 'ada', '--data-dir', dataDir])).toBe(2);
    } finally {
      error.mockRestore();
    }
    expect(errors).toEqual(["trellis: a user named 'ada' already exists"]);
  });

  it('answers --help for the group and each subcommand', async () => {
    expect((await capture(['--help'])).out).toContain('trellis user add');
    expect((await capture(['add', '--help'])).out).toContain('Usage: trellis user add <name>');
  });
});
