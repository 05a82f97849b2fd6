import type { CliCommand } from './args.ts';

export const WORKER = {
  name: 'worker',
  synopsis: '[--concurrency <n>] [--name <name>]',
  summary:
    'Executes queued runs for a team server (TRELLIS_EXECUTION=workers) from TRELLIS_DATABASE_URL until stopped; Ctrl-C or SIGTERM interrupts the runs in hand (their traces kept) and leaves.',
  options: {
    concurrency: {
      type: 'string',
      default: '8',
      placeholder: '<n>',
      description: 'runs executed at once, each with its own sandbox (default 8)',
    },
    name: {
      type: 'string',
      placeholder: '<name>',
      description: "how the workers list shows this worker (default: the machine's host name)",
    },
  },
  notes: [
    'Every process of a team (web server and workers) needs the same TRELLIS_DATABASE_URL and TRELLIS_ENDPOINT_REQUESTS.',
  ],
} as const satisfies CliCommand;
