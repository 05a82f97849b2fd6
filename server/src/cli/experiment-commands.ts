import type { CliCommand } from './args.ts';

const DATA_DIR = {
  type: 'string',
  placeholder: '<dir>',
  description: 'where runs are stored (default: TRELLIS_DATA_DIR)',
} as const;
const ID = { type: 'string', placeholder: '<id>', description: 'the experiment' } as const;

export const EXPERIMENT_CREATE = {
  name: 'experiment create',
  synopsis: '(--ablation | --arm <spec> …) --endpoint <spec> [task set] [options]',
  summary:
    'Creates an experiment (arms × tasks × repeats, frozen when it starts) and runs it here with a progress bar, printing the report table at the end; exits 0 when it finished.',
  options: {
    ablation: {
      type: 'boolean',
      default: false,
      description:
        'the three-roles ablation: react-baseline (the baseline), summarizer-only, corrector-only, three-roles',
    },
    arm: {
      type: 'string',
      multiple: true,
      placeholder: '<spec>',
      description: 'an arm: a preset or a saved graph version id, optionally label=<spec>',
    },
    endpoint: {
      type: 'string',
      placeholder: '<spec>',
      description: 'the endpoint for nodes that bind none (a name, an id or a base URL)',
    },
    model: { type: 'string', placeholder: '<id>', description: 'the model for nodes that bind none' },
    split: { type: 'string', placeholder: '<dev|test>', description: 'tasks of this split' },
    difficulty: { type: 'string', placeholder: '<1,2,3>', description: 'tasks of these difficulties' },
    apps: { type: 'string', placeholder: '<a,b>', description: 'tasks that use any of these apps' },
    scenarios: { type: 'string', placeholder: '<a,b>', description: 'tasks of these scenarios' },
    tasks: { type: 'string', placeholder: '<ids>', description: 'these tasks, comma-separated' },
    repeats: {
      type: 'string',
      default: '1',
      placeholder: '<n>',
      description: 'independent repeats per task',
    },
    seeds: { type: 'string', placeholder: '<a,b>', description: 'one seed per repeat (default: drawn)' },
    concurrency: {
      type: 'string',
      default: '8',
      placeholder: '<n>',
      description: 'runs in flight per inference endpoint (default 8)',
    },
    budget: {
      type: 'string',
      placeholder: '<tokens>',
      description: 'stop cleanly once the experiment has spent this many tokens',
    },
    baseline: {
      type: 'string',
      default: '1',
      placeholder: '<n>',
      description: 'the arm the others are compared with, counted from 1 (default 1)',
    },
    name: { type: 'string', placeholder: '<text>', description: 'a name to find it by' },
    detach: {
      type: 'boolean',
      default: false,
      description: 'only create it: a server on the same data directory runs it when it next starts',
    },
    'data-dir': DATA_DIR,
  },
  notes: [
    'An experiment is stored: Ctrl-C leaves it to resume (trellis experiment run --id <id>); the web app shows it.',
  ],
} as const satisfies CliCommand;

export const EXPERIMENT_RUN = {
  name: 'experiment run',
  synopsis: '--id <id> [options]',
  summary:
    'Takes up an experiment left running (by a stop, or created with --detach) and runs it to the end here, with a progress bar; --rerun-errored runs its errored items again.',
  options: {
    id: ID,
    'rerun-errored': {
      type: 'boolean',
      default: false,
      description: 'run again, each on its own, the items whose run ended errored',
    },
    'data-dir': DATA_DIR,
  },
} as const satisfies CliCommand;

export const EXPERIMENT_STATUS = {
  name: 'experiment status',
  synopsis: '[--id <id>] [options]',
  summary: 'Lists experiments, or shows one: its status, progress, rate and what it stopped for.',
  options: { id: ID, 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const EXPERIMENT_REPORT = {
  name: 'experiment report',
  synopsis: '--id <id> [--format <md|csv|json>] [--out <file>]',
  summary:
    "Prints an experiment's report: the paper-style table (Markdown), or every run's outcome as CSV or JSON.",
  options: {
    id: ID,
    format: {
      type: 'string',
      default: 'md',
      placeholder: '<md|csv|json>',
      description: 'md (default), csv or json',
    },
    out: { type: 'string', placeholder: '<file>', description: 'write to a file instead of printing' },
    'data-dir': DATA_DIR,
  },
} as const satisfies CliCommand;

export const EXPERIMENT_SUBCOMMANDS = [
  EXPERIMENT_CREATE,
  EXPERIMENT_RUN,
  EXPERIMENT_STATUS,
  EXPERIMENT_REPORT,
];

/** `trellis experiment`: the group, whose help lists its subcommands. */
export const EXPERIMENT = {
  name: 'experiment',
  synopsis: 'create|run|status|report [options]',
  summary: 'Evaluates scaffolds over task sets: A/B comparisons and ablations, with a paper-style report.',
  options: {},
  notes: [
    'Subcommands:',
    ...EXPERIMENT_SUBCOMMANDS.map(
      (c) => `  trellis ${c.name.padEnd(18)} ${c.summary.split(';')[0]!.split(': ')[0]}`,
    ),
    '',
    'trellis experiment <subcommand> --help shows its options.',
  ],
} as const satisfies CliCommand;
