import { UserRole } from '@trellis/shared';
import type { CliCommand } from './args.ts';

const DATA_DIR = {
  type: 'string',
  placeholder: '<dir>',
  description: 'the data directory whose store holds the users (default: TRELLIS_DATA_DIR)',
} as const;

export const USER_ADD = {
  name: 'user add',
  synopsis: '<name> [--role <role>] [options]',
  summary:
    'Adds a user to a team server (TRELLIS_AUTH=accounts) and prints a generated password, the only time it is shown.',
  options: {
    role: {
      type: 'string',
      default: 'member',
      placeholder: `<${UserRole.options.join('|')}>`,
      description: 'admin manages users, member does everything else, viewer reads only (default member)',
    },
    'data-dir': DATA_DIR,
  },
  notes: ['The first admin of a new team server: trellis user add <name> --role admin'],
} as const satisfies CliCommand;

export const USER_LIST = {
  name: 'user list',
  synopsis: '[options]',
  summary: 'Lists the users: name, role, whether disabled, and when each was added.',
  options: { 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const USER_RESET_PASSWORD = {
  name: 'user reset-password',
  synopsis: '<name> [options]',
  summary:
    'Gives a user a new generated password (printed once) and ends their browser sessions; tokens stay.',
  options: { 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const USER_SUBCOMMANDS = [USER_ADD, USER_LIST, USER_RESET_PASSWORD];

/** `trellis user`: the group, whose help lists its subcommands. */
export const USER = {
  name: 'user',
  synopsis: 'add|list|reset-password [options]',
  summary: "Manages a team server's accounts from the machine that holds its store.",
  options: {},
  notes: [
    'Subcommands:',
    ...USER_SUBCOMMANDS.map(
      (c) => `  trellis ${c.name.padEnd(20)} ${c.summary.split(' (')[0]!.split(', ')[0]}`,
    ),
    '',
    'trellis user <subcommand> --help shows its options.',
  ],
} as const satisfies CliCommand;
