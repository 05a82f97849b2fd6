import fs from 'node:fs';
import { RESCUE_FROM, RunStatus } from '@trellis/shared';
import { type CliCommand, UsageError } from './args.ts';

const DATA_DIR = {
  type: 'string',
  placeholder: '<dir>',
  description: 'where runs are stored (default: TRELLIS_DATA_DIR)',
} as const;
const APPWORLD = {
  type: 'string',
  placeholder: '<url>',
  description: 'run the actions on an AppWorld environment server instead of the built-in world',
} as const;

/** Options that describe a change: shared by fork and rescue. */
const CHANGE = {
  set: {
    type: 'string',
    multiple: true,
    placeholder: '<node>.<key>=<value>',
    description:
      "change a node's setting, e.g. corrector.prompts.system=@prompt.txt (@ reads a file; JSON values parse)",
  },
  'to-graph': {
    type: 'string',
    placeholder: '<spec>',
    description: 'run on another graph: a preset, a saved version id or a graph JSON file',
  },
  endpoint: {
    type: 'string',
    placeholder: '<spec>',
    description: "the run's endpoint for nodes that bind none (a name, an id or a base URL)",
  },
  model: { type: 'string', placeholder: '<id>', description: "the run's model for nodes that bind none" },
  'node-endpoint': {
    type: 'string',
    multiple: true,
    placeholder: '<node>=<spec>',
    description: "send one node's calls to another endpoint",
  },
  'node-model': {
    type: 'string',
    multiple: true,
    placeholder: '<node>=<model>',
    description: 'have one node ask for another model',
  },
} as const;

export const REPLAY = {
  name: 'replay',
  synopsis: '--run <id> [options]',
  summary:
    'Replays a recorded run with no model (every answer from its record) on a fresh environment; exits 0 when every step matches the record, 1 at the first step that differs.',
  options: {
    run: { type: 'string', placeholder: '<id>', description: 'the run to replay' },
    appworld: APPWORLD,
    'data-dir': DATA_DIR,
  },
} as const satisfies CliCommand;

export const FORK = {
  name: 'fork',
  synopsis: '--run <id> --step <k> [options]',
  summary:
    'Starts a run whose steps before k come from the record (no model call) and which runs live from step k with a change, and prints it; exits 0 when it succeeds.',
  options: {
    run: { type: 'string', placeholder: '<id>', description: 'the run to fork' },
    step: { type: 'string', placeholder: '<k>', description: 'the first step that runs live' },
    ...CHANGE,
    reply: { type: 'string', placeholder: '<file>', description: "the agent's reply at step k, from a file" },
    code: { type: 'string', placeholder: '<file>', description: "the agent's code at step k, from a file" },
    appworld: APPWORLD,
    'data-dir': DATA_DIR,
    quiet: { type: 'boolean', default: false, description: "print only the fork's outcome" },
  },
  notes: ['The fork appears in the web app beside its parent, with its lineage and the edit.'],
} as const satisfies CliCommand;

export const RESCUE = {
  name: 'rescue',
  synopsis: '(--runs <ids> | --graph <g> [--task <id>] [--status <s>] … | --resume <id>) [options]',
  summary:
    'Re-runs failed runs under one change, a few at a time, with progress; prints how many were rescued and those still failing; exits 0 when all were.',
  options: {
    runs: { type: 'string', placeholder: '<ids>', description: 'the runs to rescue, comma-separated' },
    graph: {
      type: 'string',
      placeholder: '<name|id>',
      description: 'runs of this graph (as the Runs page filters)',
    },
    'graph-version': { type: 'string', placeholder: '<id>', description: 'runs of this graph version' },
    task: { type: 'string', placeholder: '<id>', description: 'runs on this task' },
    status: {
      type: 'string',
      placeholder: '<status>',
      description: `runs that ended so: ${RunStatus.options.join(', ')} (default: failed or errored)`,
    },
    difficulty: { type: 'string', placeholder: '<1|2|3>', description: 'runs on tasks of this difficulty' },
    ...CHANGE,
    from: {
      type: 'string',
      default: 'start',
      placeholder: `<${RESCUE_FROM.join('|')}>`,
      description: 'from the first step, or from the step before the first failure (default: start)',
    },
    concurrency: {
      type: 'string',
      default: '4',
      placeholder: '<n>',
      description: 'runs at a time (default 4)',
    },
    name: { type: 'string', placeholder: '<text>', description: 'a name to find the rescue by' },
    resume: {
      type: 'string',
      placeholder: '<rescue id>',
      description: 'take up a rescue a stop left unfinished',
    },
    'data-dir': DATA_DIR,
  },
  notes: [
    'A rescue is stored: Ctrl-C leaves it to resume (trellis rescue --resume <id>); the web app reopens it.',
  ],
} as const satisfies CliCommand;

export const COMPARE = {
  name: 'compare',
  synopsis: '--left <id> --right <id> [options]',
  summary:
    'Aligns two runs of the same task step by step: the shared prefix collapsed, the first divergence marked, code, observation, tokens and time of each side.',
  options: {
    left: { type: 'string', placeholder: '<id>', description: 'one run' },
    right: {
      type: 'string',
      placeholder: '<id>',
      description: 'the other run (a fork of it, or any run of its task)',
    },
    'data-dir': DATA_DIR,
  },
} as const satisfies CliCommand;

export const REPLAY_COMMANDS: readonly CliCommand[] = [REPLAY, FORK, RESCUE, COMPARE];

/** A `--set` value: `@file` reads the file, JSON (numbers, booleans, null, objects) parses, anything else is text. */
function settingValue(raw: string, command: string): unknown {
  if (raw.startsWith('@')) {
    const file = raw.slice(1);
    if (!fs.existsSync(file)) throw new UsageError(`--set reads '${file}', which does not exist`, command);
    return fs.readFileSync(file, 'utf8');
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `--set node.key=value` options as a change's node settings. */
export function nodeSettings(
  sets: readonly string[] | undefined,
  command: string,
): Record<string, Record<string, unknown>> {
  const nodes: Record<string, Record<string, unknown>> = {};
  for (const set of sets ?? []) {
    const match = /^([A-Za-z0-9_-]+)\.([^=]+)=([\s\S]*)$/.exec(set);
    if (!match) throw new UsageError(`--set '${set}' must read <node>.<key>=<value>`, command);
    const [, node, key, value] = match as unknown as [string, string, string, string];
    nodes[node] = { ...nodes[node], [key]: settingValue(value, command) };
  }
  return nodes;
}

/** `--node-x node=value` options, by node. */
export function perNode(
  values: readonly string[] | undefined,
  option: string,
  command: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1)
      throw new UsageError(`--${option} '${value}' must read <node>=<value>`, command);
    out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

/** A positive whole number option, or a usage error naming it. */
export function positiveInt(value: string | undefined, option: string, command: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option} must be a positive integer, not '${value ?? ''}'`, command);
  return n;
}
