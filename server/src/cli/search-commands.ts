import { KNOB_NAMES, SEARCH_METHODS } from '@trellis/shared';
import type { CliCommand } from './args.ts';

const DATA_DIR = {
  type: 'string',
  placeholder: '<dir>',
  description: 'where runs are stored (default: TRELLIS_DATA_DIR)',
} as const;
const ID = { type: 'string', placeholder: '<id>', description: 'the search' } as const;

export const SEARCH_CREATE = {
  name: 'search create',
  synopsis:
    '--graph <spec> --endpoint <spec> (--split dev | --tasks <ids>) --knob <node>.<knob>=<values> … --budget <n> --method <m> --trials <n> [options]',
  summary:
    "Searches how to allocate models and budgets across a graph's roles on dev tasks, here, with a line per trial; prints the trials and the best at the end, and exits 0 when it finished.",
  options: {
    graph: {
      type: 'string',
      placeholder: '<spec>',
      description: 'the graph to search: a preset, a saved graph version id, or a graph JSON file',
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
      description: 'every dev task (a search never reads test)',
    },
    tasks: { type: 'string', placeholder: '<ids>', description: 'these dev tasks, comma-separated' },
    knob: {
      type: 'string',
      multiple: true,
      placeholder: '<node>.<knob>=<v1,v2,…>',
      description: `a knob to search and its values (repeatable); knobs: ${KNOB_NAMES.join(', ')}`,
    },
    budget: {
      type: 'string',
      placeholder: '<n>',
      description:
        "the most an allocation may declare: Σ over model nodes of the model's output weight × max output tokens",
    },
    weight: {
      type: 'string',
      multiple: true,
      placeholder: '<model>=<in>,<out>',
      description: "a model's cost per input and output token (repeatable; a model not given weighs 1)",
    },
    method: {
      type: 'string',
      placeholder: `<${SEARCH_METHODS.join('|')}>`,
      description:
        'how allocations are proposed: at random, by a random-forest Bayesian optimiser, or by a model',
    },
    proposer: {
      type: 'string',
      placeholder: '<endpoint>[/<model>]',
      description:
        "the model that proposes allocations (method proposer); without /<model>, the endpoint's default",
    },
    trials: { type: 'string', placeholder: '<n>', description: 'how many allocations to evaluate' },
    batch: {
      type: 'string',
      default: '4',
      placeholder: '<n>',
      description: 'allocations proposed and run per round (default 4)',
    },
    seed: { type: 'string', placeholder: '<n>', description: "the proposer's seed (default: drawn)" },
    repeats: {
      type: 'string',
      default: '1',
      placeholder: '<n>',
      description: 'runs of each task per trial (default 1)',
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
    'Model values: <model> (on --endpoint) or <endpoint>/<model>, the endpoint a registered name or id, or a base URL.',
    'Values of other knobs: numbers, true/false (thinking), always/after_failure/never (correctorTrigger).',
    'Example: --knob agent.model=small-8b,big-32b --knob agent.maxOutputTokens=512,1536 --weight big-32b=4,4',
    'A search is stored: Ctrl-C leaves it to resume (trellis search run --id <id>); each trial is an experiment.',
  ],
} as const satisfies CliCommand;

export const SEARCH_RUN = {
  name: 'search run',
  synopsis: '--id <id> [options]',
  summary: 'Takes up a search left running (by a stop) and runs it to the end here, with a line per trial.',
  options: { id: ID, 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const SEARCH_STATUS = {
  name: 'search status',
  synopsis: '[--id <id>] [options]',
  summary: 'Lists searches, or shows one: its status, its trials and the best so far.',
  options: { id: ID, 'data-dir': DATA_DIR },
} as const satisfies CliCommand;

export const SEARCH_SUBCOMMANDS = [SEARCH_CREATE, SEARCH_RUN, SEARCH_STATUS];

/** `trellis search`: the group, whose help lists its subcommands. */
export const SEARCH = {
  name: 'search',
  synopsis: 'create|run|status [options]',
  summary:
    'Searches which model and budget each role of a graph deserves, under a declared compute budget, on dev tasks.',
  options: {},
  notes: [
    'Subcommands:',
    ...SEARCH_SUBCOMMANDS.map(
      (c) => `  trellis ${c.name.padEnd(14)} ${c.summary.split(';')[0]!.split(': ')[0]}`,
    ),
    '',
    'trellis search <subcommand> --help shows its options.',
  ],
} as const satisfies CliCommand;
