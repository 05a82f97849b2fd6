import { PRESET_IDS, WorldDifficulty, WorldSplit, WorldTaskFilter } from '@trellis/shared';
import { type CliCommand, type CliValues, UsageError } from './args.ts';
import { EXPERIMENT } from './experiment-commands.ts';
import { OPTIMISE } from './optimise-commands.ts';
import { REPLAY_COMMANDS } from './replay-commands.ts';
import { SEARCH } from './search-commands.ts';
import { USER } from './user-commands.ts';
import { WORKER } from './worker-commands.ts';

/** The difficulties a task can have, from the shared schema. */
const DIFFICULTIES = WorldDifficulty.options.map((option) => option.value);

/** "a, b or c" */
function oneOf(values: readonly (string | number)[]): string {
  const words = values.map(String);
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

export const RUN = {
  name: 'run',
  synopsis: '--graph <spec> --task <id>[,<id>…] --endpoint <spec> [options]',
  summary:
    'Runs a graph on built-in tasks and prints each step; exits 0 when every task succeeds, 1 when one does not.',
  options: {
    graph: {
      type: 'string',
      placeholder: '<spec>',
      description: 'a preset (see: trellis presets), a saved graph version id, or a graph JSON file',
    },
    task: {
      type: 'string',
      placeholder: '<ids>',
      description: 'task ids, comma-separated (see: trellis tasks)',
    },
    endpoint: {
      type: 'string',
      placeholder: '<spec>',
      description: "a registered endpoint's name or id, or a base URL (its key from TRELLIS_API_KEY)",
    },
    model: {
      type: 'string',
      placeholder: '<id>',
      description: "the model for nodes that name none, instead of the graph's default",
    },
    seed: {
      type: 'string',
      placeholder: '<n>',
      description: "the runs' seed, to repeat a run exactly (default: a random one, shown on the run)",
    },
    concurrency: {
      type: 'string',
      default: '4',
      placeholder: '<n>',
      description: 'how many runs at a time (default 4)',
    },
    'data-dir': {
      type: 'string',
      placeholder: '<dir>',
      description: 'where runs are stored (default: TRELLIS_DATA_DIR)',
    },
    quiet: { type: 'boolean', default: false, description: "print only each run's outcome" },
  },
  notes: ['Runs are stored in the data directory and appear in the web app.'],
} as const satisfies CliCommand;

export const TASKS = {
  name: 'tasks',
  synopsis: '[options]',
  summary: 'Lists the built-in tasks: id, split, difficulty and instruction.',
  options: {
    split: {
      type: 'string',
      placeholder: `<${WorldSplit.options.join('|')}>`,
      description: 'only tasks of this split',
    },
    difficulty: {
      type: 'string',
      placeholder: `<${DIFFICULTIES.join('|')}>`,
      description: 'only tasks of this difficulty',
    },
    app: { type: 'string', placeholder: '<name>', description: 'only tasks that use this app' },
    search: {
      type: 'string',
      placeholder: '<text>',
      description: 'only tasks whose id, scenario or instruction contains this text',
    },
  },
} as const satisfies CliCommand;

/** The filter `tasks` was given, or a usage mistake naming the option and the values it takes. */
export function taskFilter(values: CliValues<typeof TASKS.options>): WorldTaskFilter {
  const given = Object.fromEntries(Object.entries(values).filter(([name]) => name !== 'help'));
  const parsed = WorldTaskFilter.safeParse(given);
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0]?.path[0]);
  const value = `'${given[name] ?? ''}'`;
  if (name === 'split')
    throw new UsageError(`--split must be ${oneOf(WorldSplit.options)}, not ${value}`, 'tasks');
  if (name === 'difficulty')
    throw new UsageError(`--difficulty must be ${oneOf(DIFFICULTIES)}, not ${value}`, 'tasks');
  throw new UsageError(`--${name} ${value}: ${parsed.error.issues[0]?.message}`, 'tasks');
}

export const PRESETS = {
  name: 'presets',
  synopsis: '',
  summary: 'Lists the preset graphs that trellis run --graph accepts.',
  options: {},
} as const satisfies CliCommand;

export const COMMANDS: readonly CliCommand[] = [
  RUN,
  TASKS,
  PRESETS,
  ...REPLAY_COMMANDS,
  EXPERIMENT,
  SEARCH,
  OPTIMISE,
  WORKER,
  USER,
];

export function findCommand(name: string | undefined): CliCommand | undefined {
  return COMMANDS.find((command) => command.name === name);
}

export function topUsage(): string {
  return [
    'Usage:',
    ...COMMANDS.map(
      (command) => `  trellis ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`,
    ),
    '  trellis <command> --help',
    '',
    ...COMMANDS.map((command) => `${command.name.padEnd(8)} ${command.summary}`),
    '',
    'Runs are stored in the data directory (TRELLIS_DATA_DIR) and appear in the web app.',
    `Presets: ${PRESET_IDS.join(', ')}`,
  ].join('\n');
}
