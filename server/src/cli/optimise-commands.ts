import type { CliCommand } from './args.ts';

const DATA_DIR = {
  type: 'string',
  placeholder: '<dir>',
  description: 'where runs are stored (default: TRELLIS_DATA_DIR)',
} as const;
const ID = { type: 'string', placeholder: '<id>', description: 'the optimisation' } as const;

export const OPTIMISE_CREATE = {
  name: 'optimise create',
  synopsis:
    '--graph <spec> --endpoint <spec> (--split dev | --tasks <ids>) --meta <endpoint>[/<model>] [options]',
  summary:
    "Optimises a graph's scaffold here, round by round: a meta-agent proposes an edit, it is checked and scored on dev tasks, with a line per round; prints the rounds and the best version at the end, and exits 0 when it finished.",
  options: {
    graph: {
      type: 'string',
      placeholder: '<spec>',
      description: 'the starting graph: a preset, a saved graph version id, or a graph JSON file',
    },
    endpoint: {
      type: 'string',
      placeholder: '<spec>',
      description: 'the endpoint for nodes that bind none (a name, an id or a base URL)',
    },
    model: { type: 'string', placeholder: '<id>', description: 'the model for nodes that bind none' },
    split: {
      type: 'string',
      placeholder: '<dev>',
      description: 'every dev task (an optimisation never reads test)',
    },
    tasks: { type: 'string', placeholder: '<ids>', description: 'these dev tasks, comma-separated' },
    meta: {
      type: 'string',
      placeholder: '<endpoint>[/<model>]',
      description:
        "the meta-agent's model, which proposes each edit; without /<model>, the endpoint's default",
    },
    rounds: {
      type: 'string',
      default: '10',
      placeholder: '<n>',
      description: 'edits to propose and score after the starting graph (default 10)',
    },
    failures: {
      type: 'string',
      default: '5',
      placeholder: '<n>',
      description: 'failed dev runs of the best graph shown to the meta-agent each round (default 5)',
    },
    repeats: {
      type: 'string',
      default: '1',
      placeholder: '<n>',
      description: 'runs of each task per round (default 1)',
    },
    seeds: { type: 'string', placeholder: '<a,b>', description: 'one seed per repeat (default: drawn)' },
    concurrency: {
      type: 'string',
      default: '8',
      placeholder: '<n>',
      description: 'runs in flight per inference endpoint (default 8)',
    },
    name: { type: 'string', placeholder: '<text>', description: 'a name to find it by' },
    'data-dir': DATA_DIR,
  },
  notes: [
    'Round 0 scores the starting graph; each later round edits the best graph so far. A proposal that fails its checks is sent back for repair up to three times.',
    'An optimisation is stored: Ctrl-C leaves it to resume (trellis optimise run --id <id>); each round is an experiment.',
  ],
} as const satisfies CliCommand;

export const OPTIMISE_RUN = {
  name: 'optimise run',
  synopsis: '--id <id> [options]',
  summary:
    'Takes up an optimisation left running (by a stop) and runs it to the end here, with a line per round.',
  options: { id: ID, 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const OPTIMISE_STATUS = {
  name: 'optimise status',
  synopsis: '[--id <id>] [options]',
  summary: 'Lists optimisations, or shows one: its status, its rounds and the best so far.',
  options: { id: ID, 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const OPTIMISE_EXPORT = {
  name: 'optimise export',
  synopsis: '--id <id> [--out <file>]',
  summary:
    "Writes an optimisation's rounds as JSONL, one training example per round: what the meta-agent saw, proposed and earned.",
  options: {
    id: ID,
    out: { type: 'string', placeholder: '<file>', description: 'write to a file instead of printing' },
    'data-dir': DATA_DIR,
  },
} as const satisfies CliCommand;

export const OPTIMISE_SUBCOMMANDS = [OPTIMISE_CREATE, OPTIMISE_RUN, OPTIMISE_STATUS, OPTIMISE_EXPORT];

/** `trellis optimise`: the group, whose help lists its subcommands. */
export const OPTIMISE = {
  name: 'optimise',
  synopsis: 'create|run|status|export [options]',
  summary:
    "Optimises a graph's scaffold: a meta-agent edits it round by round, each edit checked and scored on dev tasks.",
  options: {},
  notes: [
    'Subcommands:',
    ...OPTIMISE_SUBCOMMANDS.map(
      (c) => `  trellis ${c.name.padEnd(16)} ${c.summary.split(';')[0]!.split(': ')[0]}`,
    ),
    '',
    'trellis optimise <subcommand> --help shows its options.',
  ],
} as const satisfies CliCommand;
