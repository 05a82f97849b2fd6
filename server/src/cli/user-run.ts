import { describeZodError, UserName, UserRole } from '@trellis/shared';
import { AccountService } from '../accounts/service.ts';
import { loadConfig, storeLocation } from '../config.ts';
import { openStore } from '../store/db.ts';
import { UsersRepo } from '../store/users.ts';
import { type CliCommand, type CliOptions, parseCommand, UsageError, usageOf } from './args.ts';
import { USER, USER_ADD, USER_LIST, USER_RESET_PASSWORD } from './user-commands.ts';

/** The accounts of the store the server would open (TRELLIS_DATABASE_URL, else the data directory's file). */
async function withAccounts<T>(
  dataDir: string | undefined,
  work: (accounts: AccountService, accountsMode: boolean) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...process.env, ...(dataDir ? { TRELLIS_DATA_DIR: dataDir } : {}) });
  const store = await openStore(storeLocation(config));
  try {
    return await work(new AccountService(new UsersRepo(store)), config.auth === 'accounts');
  } finally {
    await store.close();
  }
}

/** A subcommand's one positional argument (the user's name) and its options. */
function nameAndOptions<O extends CliOptions>(command: CliCommand<O>, argv: string[]) {
  const [first, ...rest] = argv;
  const named = first !== undefined && !first.startsWith('-');
  const parsed = parseCommand(command, named ? rest : argv);
  if (parsed.help) return null;
  if (!named) throw new UsageError(`${command.name} needs the user's name`, command.name);
  const name = UserName.safeParse(first);
  if (!name.success)
    throw new UsageError(describeZodError(name.error).replace(/^\(body\): /, ''), command.name);
  return { name: name.data, values: parsed.values };
}

const OFF_NOTE = 'Accounts are off on this server: start it with TRELLIS_AUTH=accounts for users to sign in.';

async function add(argv: string[]): Promise<number> {
  const parsed = nameAndOptions(USER_ADD, argv);
  if (!parsed) {
    console.log(usageOf(USER_ADD));
    return 0;
  }
  const role = UserRole.safeParse(parsed.values.role);
  if (!role.success) {
    throw new UsageError(
      `--role must be ${UserRole.options.join(', ')}, not '${parsed.values.role}'`,
      USER_ADD.name,
    );
  }
  return withAccounts(parsed.values['data-dir'], async (accounts, accountsMode) => {
    const { user, password } = await accounts.createUser({ name: parsed.name, role: role.data });
    console.log(`Added ${user.role} '${user.name}'.`);
    console.log(`Password (shown this once; they sign in with it): ${password}`);
    if (!accountsMode) console.log(OFF_NOTE);
    return 0;
  });
}

async function list(argv: string[]): Promise<number> {
  const parsed = parseCommand(USER_LIST, argv);
  if (parsed.help) {
    console.log(usageOf(USER_LIST));
    return 0;
  }
  return withAccounts(parsed.values['data-dir'], async (accounts, accountsMode) => {
    const users = await accounts.listUsers();
    for (const user of users) {
      const state = user.disabled ? 'disabled' : 'active';
      console.log(
        `${user.name.padEnd(24)} ${user.role.padEnd(7)} ${state.padEnd(9)} added ${user.createdAt}`,
      );
    }
    console.log(`${users.length} user(s)`);
    if (!accountsMode) console.log(OFF_NOTE);
    return 0;
  });
}

async function resetPassword(argv: string[]): Promise<number> {
  const parsed = nameAndOptions(USER_RESET_PASSWORD, argv);
  if (!parsed) {
    console.log(usageOf(USER_RESET_PASSWORD));
    return 0;
  }
  return withAccounts(parsed.values['data-dir'], async (accounts) => {
    const { user, password } = await accounts.resetPassword(parsed.name);
    console.log(
      `New password for '${user.name}' (shown this once; their browser sessions have ended): ${password}`,
    );
    return 0;
  });
}

/** `trellis user …` */
export async function user(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') return add(rest);
  if (sub === 'list') return list(rest);
  if (sub === 'reset-password') return resetPassword(rest);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(usageOf(USER));
    return 0;
  }
  throw new UsageError(`unknown subcommand '${sub}' (add, list or reset-password)`, 'user');
}
