import { z } from 'zod';
import { Author } from '../accounts.ts';
import { PRESET_IDS, type PresetId } from '../graph/presets.ts';
import { NodeOverride } from '../runs.ts';
import { RunStatus } from '../trace.ts';
import { WorldDifficulty, WorldSplit } from '../world.ts';
import { FAILURE_CAUSES } from './failure-cause.ts';

/**
 * One scaffold under test: a saved graph version (or a preset, saved as a version when the experiment is
 * created), with optional endpoint and model choices for the whole graph or per node.
 */
export const ExperimentArmRequest = z
  .object({
    /** Shown in the report; defaults to the graph's name. */
    label: z.string().trim().min(1).max(60).optional(),
    graphVersionId: z.string().min(1).max(128).optional(),
    preset: z.enum(PRESET_IDS).optional(),
    endpointId: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(256).optional(),
    overrides: z.record(z.string().min(1).max(64), NodeOverride).default({}),
  })
  .strict()
  .refine((arm) => (arm.graphVersionId === undefined) !== (arm.preset === undefined), {
    message: 'an arm names exactly one of graphVersionId or preset',
  });
export type ExperimentArmRequest = z.input<typeof ExperimentArmRequest>;

/** Which tasks: every field narrows the set; `ids` alone names the tasks outright. */
export const ExperimentTaskSet = z
  .object({
    suite: z.literal('builtin').default('builtin'),
    split: WorldSplit.optional(),
    difficulty: z.array(WorldDifficulty).min(1).max(3).optional(),
    apps: z.array(z.string().min(1).max(40)).min(1).max(20).optional(),
    scenarios: z.array(z.string().min(1).max(128)).min(1).max(1000).optional(),
    ids: z.array(z.string().min(1).max(128)).min(1).max(5000).optional(),
  })
  .strict();
export type ExperimentTaskSet = z.input<typeof ExperimentTaskSet>;

export const ExperimentLimits = z
  .object({
    /** Runs in flight at once per inference endpoint (runs on several endpoints count against each). */
    concurrencyPerEndpoint: z.number().int().min(1).max(256).default(8),
    /** Tokens (prompt + completion) the whole experiment may spend; it stops cleanly once they are spent. */
    tokenBudget: z.number().int().positive().nullable().default(null),
  })
  .strict();

export const ExperimentRequest = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    arms: z.array(ExperimentArmRequest).min(1, 'an experiment needs at least one arm').max(12),
    tasks: ExperimentTaskSet,
    /** Independent repeats of each task; repeat r of every arm uses the same seed, so arms are paired. */
    repeats: z.number().int().min(1).max(20).default(1),
    /** One seed per repeat; drawn when the experiment is created if omitted. */
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .min(1)
      .max(20)
      .optional(),
    limits: ExperimentLimits.default({ concurrencyPerEndpoint: 8, tokenBudget: null }),
    /** The arm the others are compared with (index into arms). */
    baselineArm: z.number().int().min(0).default(0),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.seeds && request.seeds.length !== request.repeats) {
      ctx.addIssue({
        code: 'custom',
        path: ['seeds'],
        message: `give one seed per repeat: ${request.repeats} repeat(s), ${request.seeds.length} seed(s)`,
      });
    }
    if (request.baselineArm >= request.arms.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['baselineArm'],
        message: `baselineArm ${request.baselineArm} is not one of the ${request.arms.length} arm(s)`,
      });
    }
  });
export type ExperimentRequest = z.input<typeof ExperimentRequest>;

/** The three-roles study's ablation, in the paper's order: the plain agent first, as the baseline. */
export const ABLATION_PRESETS: readonly PresetId[] = [
  'react-baseline',
  'summarizer-only',
  'corrector-only',
  'three-roles',
];

/** The arms of the ablation template, on one endpoint (and model) for every role. */
export function ablationArms(binding: { endpointId?: string; model?: string } = {}): ExperimentArmRequest[] {
  return ABLATION_PRESETS.map((preset) => ({ preset, ...binding }));
}

export const EXPERIMENT_STATUSES = ['running', 'finished', 'cancelled', 'stopped'] as const;
export const ExperimentStatus = z.enum(EXPERIMENT_STATUSES);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

/** An arm as frozen when the experiment started. */
export const ExperimentArm = z.object({
  index: z.number().int(),
  label: z.string(),
  graphVersionId: z.string(),
  graphName: z.string(),
  preset: z.enum(PRESET_IDS).nullable(),
  endpointId: z.string().nullable(),
  model: z.string().nullable(),
  overrides: z.record(z.string(), NodeOverride),
  /** The endpoints its runs call (the per-endpoint concurrency applies to each). */
  endpointIds: z.array(z.string()),
});
export type ExperimentArm = z.infer<typeof ExperimentArm>;

export const ExperimentProgress = z.object({
  experimentId: z.string(),
  status: ExperimentStatus,
  total: z.number().int(),
  /** Items whose run ended (any status), plus items skipped when the experiment stopped. */
  done: z.number().int(),
  running: z.number().int(),
  /** Items never run: the experiment was cancelled or stopped before them (counted in `done`). */
  skipped: z.number().int(),
  succeeded: z.number().int(),
  /** Runs that ended `errored`: re-runnable on their own. */
  errored: z.number().int(),
  tokensUsed: z.number().int(),
  tokenBudget: z.number().int().nullable(),
  ratePerMinute: z.number().nullable(),
  etaMs: z.number().nullable(),
  /** Time worked on it in this process; for an experiment no longer running, from its creation to its end. */
  elapsedMs: z.number(),
});
export type ExperimentProgress = z.infer<typeof ExperimentProgress>;

export const ExperimentSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: ExperimentStatus,
  /** Why it stopped early (a spent budget), or null. */
  stopReason: z.string().nullable(),
  createdAt: z.string(),
  /** Who created it (team servers with accounts); null in single-user mode. */
  author: Author.nullable(),
  finishedAt: z.string().nullable(),
  arms: z.array(ExperimentArm),
  taskSet: z.record(z.string(), z.unknown()),
  taskCount: z.number().int(),
  repeats: z.number().int(),
  seeds: z.array(z.number().int()),
  limits: z.object({ concurrencyPerEndpoint: z.number().int(), tokenBudget: z.number().int().nullable() }),
  baselineArm: z.number().int(),
  /** Some arm called a simulated model: every view and export of it says so. */
  simulated: z.boolean(),
  total: z.number().int(),
  done: z.number().int(),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummary>;

export const ExperimentItemStatus = z.enum(['pending', 'running', 'done', 'skipped']);
export type ExperimentItemStatus = z.infer<typeof ExperimentItemStatus>;

/** One (arm, task, repeat) of the plan, and the run that carried it out. */
export const ExperimentItem = z.object({
  position: z.number().int(),
  arm: z.number().int(),
  taskId: z.string(),
  repeat: z.number().int(),
  seed: z.number().int(),
  status: ExperimentItemStatus,
  runId: z.string().nullable(),
  runStatus: RunStatus.nullable(),
  attempts: z.number().int(),
});
export type ExperimentItem = z.infer<typeof ExperimentItem>;

export const Experiment = ExperimentSummary.extend({ progress: ExperimentProgress });
export type Experiment = z.infer<typeof Experiment>;

export const ExperimentList = z.object({ experiments: z.array(ExperimentSummary) });

/** A rate with its interval (both as fractions, 0–1). */
export const RateWithInterval = z.object({
  /** Null when nothing was counted (no task of that difficulty). */
  rate: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  /** Successes and the count they are out of (tasks for TGC, scenarios for SGC; × repeats when repeated). */
  successes: z.number(),
  n: z.number().int(),
});
export type RateWithInterval = z.infer<typeof RateWithInterval>;

export const ReportRowKey = z.enum(['aggregate', 'difficulty_1', 'difficulty_2', 'difficulty_3']);
export type ReportRowKey = z.infer<typeof ReportRowKey>;

export const ReportRow = z.object({
  key: ReportRowKey,
  tasks: z.number().int(),
  scenarios: z.number().int(),
  tgc: RateWithInterval,
  sgc: RateWithInterval,
});
export type ReportRow = z.infer<typeof ReportRow>;

export const RoleCost = z.object({
  role: z.string(),
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  durationMs: z.number(),
  /** This role's share of all tokens and of all model time, 0–1. */
  tokenShare: z.number(),
  timeShare: z.number(),
});

/** Means per finished run (one task attempt). */
export const ArmCost = z.object({
  runs: z.number().int(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  llmCalls: z.number(),
  wallMs: z.number(),
  steps: z.number(),
  byRole: z.array(RoleCost),
});
export type ArmCost = z.infer<typeof ArmCost>;

export const FailureGroup = z.object({
  cause: z.enum(FAILURE_CAUSES),
  count: z.number().int(),
  /** The runs in this group (at most 50, in plan order). */
  runIds: z.array(z.string()),
});
export type FailureGroup = z.infer<typeof FailureGroup>;

export const ArmReport = z.object({
  arm: z.number().int(),
  label: z.string(),
  graphName: z.string(),
  models: z.array(z.string()),
  simulated: z.boolean(),
  /** Items with a finished run; the rates count only those. */
  finished: z.number().int(),
  pending: z.number().int(),
  rows: z.array(ReportRow),
  /** With repeats: pass@k and pass^k for k = 1 … repeats, over tasks with every repeat finished. */
  passAtK: z.array(z.object({ k: z.number().int(), value: z.number() })),
  passHatK: z.array(z.object({ k: z.number().int(), value: z.number() })),
  cost: ArmCost,
  failures: z.array(FailureGroup),
});
export type ArmReport = z.infer<typeof ArmReport>;

export const ArmComparison = z.object({
  arm: z.number().int(),
  baseline: z.number().int(),
  /** Tasks finished in both arms (for every repeat). */
  pairedTasks: z.number().int(),
  /** Tasks that pass in this arm and fail in the baseline, and the other way round. */
  gained: z.array(z.string()),
  lost: z.array(z.string()),
  /** TGC of this arm minus the baseline's, over the paired tasks (a fraction). */
  difference: z.number().nullable(),
  /** Paired bootstrap percentile interval on the difference (tasks resampled). */
  bootstrap: z.object({
    low: z.number().nullable(),
    high: z.number().nullable(),
    iterations: z.number().int(),
    seed: z.number().int(),
  }),
  /** Exact McNemar test on the discordant tasks: b passes only here, c only in the baseline. */
  mcnemar: z.object({ b: z.number().int(), c: z.number().int(), pValue: z.number().nullable() }),
  significant: z.boolean(),
  /** In words: "+12.3 points, significant (p = 0.004)" or "not significant (p = 0.31)". */
  verdict: z.string(),
});
export type ArmComparison = z.infer<typeof ArmComparison>;

/** One task × arm cell: the repeats collapsed into one. */
export const MatrixCell = z.object({
  passed: z.number().int(),
  finished: z.number().int(),
  repeats: z.number().int(),
  runIds: z.array(z.string().nullable()),
  statuses: z.array(RunStatus.nullable()),
});
export type MatrixCell = z.infer<typeof MatrixCell>;

export const ExperimentReport = z.object({
  experimentId: z.string(),
  name: z.string(),
  status: ExperimentStatus,
  simulated: z.boolean(),
  repeats: z.number().int(),
  baselineArm: z.number().int(),
  /** How each rate's interval was computed. */
  intervals: z.object({ method: z.enum(['wilson', 'task_bootstrap']), level: z.number() }),
  /** Scenarios only partly in the task set: their SGC counts only the tasks present. */
  incompleteScenarios: z.array(
    z.object({ scenario: z.string(), present: z.number().int(), total: z.number().int() }),
  ),
  arms: z.array(ArmReport),
  comparisons: z.array(ArmComparison),
  tasks: z.array(
    z.object({ taskId: z.string(), scenario: z.string(), difficulty: z.number().int().nullable() }),
  ),
  /** cells[arm][task], in the order of `arms` and `tasks`. */
  cells: z.array(z.array(MatrixCell)),
  computedMs: z.number(),
});
export type ExperimentReport = z.infer<typeof ExperimentReport>;

/** An inference server's load, sampled while an experiment runs. */
export const ServerSample = z.object({
  at: z.number(),
  endpointId: z.string(),
  requestsRunning: z.number().nullable(),
  requestsWaiting: z.number().nullable(),
  kvCacheUsage: z.number().nullable(),
  /** Hits over queries since the previous sample (vLLM counters), or the server's own rate (SGLang). */
  prefixCacheHitRate: z.number().nullable(),
});
export type ServerSample = z.infer<typeof ServerSample>;

export const ServerSamples = z.object({
  endpoints: z.array(z.object({ id: z.string(), name: z.string(), source: z.string().nullable() })),
  samples: z.array(ServerSample),
});
export type ServerSamples = z.infer<typeof ServerSamples>;
