import { z } from 'zod';
import { Author } from '../accounts.ts';
import { RunDetail, RunListQuery } from '../runs.ts';
import { Evaluation, RunStatus } from '../trace.ts';
import { Alignment } from './align.ts';
import { EditChange, RunChange } from './change.ts';
import { StepRecord } from './steps.ts';

/**
 * Where replayed and forked actions run: the built-in world (the default), or a freshly initialised task on an
 * AppWorld environment server.
 */
export const EnvironmentChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin') }).strict(),
  z.object({ kind: z.literal('appworld'), baseUrl: z.url().max(2000) }).strict(),
]);
export type EnvironmentChoice = z.infer<typeof EnvironmentChoice>;

export const ReplayRequest = z
  .object({ environment: EnvironmentChoice.default({ kind: 'builtin' }) })
  .strict();
export type ReplayRequest = z.input<typeof ReplayRequest>;

/** One side of a step as replay compares it. */
export const StepSide = StepRecord.pick({
  code: true,
  observation: true,
  ok: true,
  error: true,
  completed: true,
  executed: true,
});
export type StepSide = z.infer<typeof StepSide>;

/** A model request the replay asked for that differs from the recorded one in a way that matters. */
export const RequestDivergence = z.object({
  step: z.number().int(),
  nodeId: z.string(),
  /** `node`: another node called where the record has this one; `extra_call`: the record has no more calls. */
  field: z.enum(['node', 'model', 'params', 'messages', 'extra_call']),
  message: z.string(),
  recorded: z.unknown(),
  replayed: z.unknown(),
});
export type RequestDivergence = z.infer<typeof RequestDivergence>;

export const ReplayDivergence = z.object({
  step: z.number().int().nonnegative(),
  kind: z.enum([
    'request',
    'code',
    'observation',
    'error',
    'completion',
    'missing_step',
    'extra_step',
    'status',
    'evaluation',
  ]),
  /** What differs, in a sentence. */
  message: z.string(),
  recorded: StepSide.nullable(),
  replayed: StepSide.nullable(),
  /** For a `request` divergence: the field that differs, both sides. */
  request: RequestDivergence.nullable(),
});
export type ReplayDivergence = z.infer<typeof ReplayDivergence>;

/** What replaying a run found: a match on every step, or the first step that differs with both sides. */
export const ReplayResult = z.object({
  runId: z.string(),
  taskId: z.string(),
  graphVersionId: z.string(),
  match: z.boolean(),
  recordedStatus: RunStatus,
  replayedStatus: RunStatus,
  /** The record stopped early (cancelled, interrupted) at this step: compared up to there. */
  stoppedAt: z.number().int().nullable(),
  steps: z.array(z.object({ step: z.number().int(), match: z.boolean() })),
  firstDivergence: ReplayDivergence.nullable(),
  evaluation: z.object({
    recorded: Evaluation.nullable(),
    replayed: Evaluation.nullable(),
    match: z.boolean(),
  }),
  /** Model calls answered from the record (none was sent anywhere). */
  modelCalls: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** How long the recorded run took, for comparison. */
  recordedDurationMs: z.number().nonnegative().nullable(),
});
export type ReplayResult = z.infer<typeof ReplayResult>;

export const ForkRequest = z
  .object({
    /** The first step that runs live; the steps before it come from the record. */
    step: z.number().int().min(1).max(10_000),
    change: RunChange.default({ nodes: {}, overrides: {} }),
    /** The agent's reply at `step`, in place of a model call. */
    reply: z.string().min(1).max(200_000).optional(),
    /** The agent's code at `step`: its recorded reply with this code in place of its own. */
    code: z.string().min(1).max(200_000).optional(),
    environment: EnvironmentChoice.default({ kind: 'builtin' }),
  })
  .strict()
  .refine((body) => body.reply === undefined || body.code === undefined, {
    message: 'give the reply or the code at the fork step, not both',
    path: ['code'],
  });
export type ForkRequest = z.input<typeof ForkRequest>;

/** Something a fork's recorded steps did differently from the record when they were rebuilt. */
export const ForkFinding = z.object({
  step: z.number().int(),
  kind: z.enum(['observation', 'request']),
  message: z.string(),
  recorded: z.unknown(),
  replayed: z.unknown(),
});
export type ForkFinding = z.infer<typeof ForkFinding>;

/** A fork's edit as a readable diff: the graph changes, and the reply put in at the fork step. */
export const ForkEdit = z.object({
  fromVersionId: z.string(),
  toVersionId: z.string(),
  changes: z.array(EditChange),
  reply: z
    .object({ step: z.number().int(), nodeId: z.string().nullable(), before: z.string(), after: z.string() })
    .nullable(),
  /** One line per change. */
  summary: z.array(z.string()),
});
export type ForkEdit = z.infer<typeof ForkEdit>;

/** Where a run came from. Runs started afresh have no parent. */
export const RunLineage = z.object({
  runId: z.string(),
  parentRunId: z.string().nullable(),
  forkStep: z.number().int().nullable(),
  edit: ForkEdit.nullable(),
  /** Differences found while the recorded steps were rebuilt (empty when they matched the record). */
  findings: z.array(ForkFinding),
  rescueId: z.string().nullable(),
  createdAt: z.string().nullable(),
});
export type RunLineage = z.infer<typeof RunLineage>;

export const ForkResult = z.object({ run: RunDetail, lineage: RunLineage });
export type ForkResult = z.infer<typeof ForkResult>;

export interface LineageNode {
  runId: string;
  taskId: string;
  status: RunStatus;
  success: boolean | null;
  graphVersionId: string;
  createdAt: string;
  parentRunId: string | null;
  forkStep: number | null;
  summary: string[];
  children: LineageNode[];
}
export const LineageNode: z.ZodType<LineageNode> = z.object({
  runId: z.string(),
  taskId: z.string(),
  status: RunStatus,
  success: z.boolean().nullable(),
  graphVersionId: z.string(),
  createdAt: z.string(),
  parentRunId: z.string().nullable(),
  forkStep: z.number().int().nullable(),
  summary: z.array(z.string()),
  get children() {
    return z.array(LineageNode);
  },
});

/** The tree of forks a run belongs to, from its root. */
export const LineageTree = z.object({ runId: z.string(), lineage: RunLineage, root: LineageNode });
export type LineageTree = z.infer<typeof LineageTree>;

export const CompareQuery = z
  .object({ left: z.string().min(1).max(128), right: z.string().min(1).max(128) })
  .strict();
export type CompareQuery = z.infer<typeof CompareQuery>;

/** Two runs of the same task aligned step by step. */
export const CompareResult = z.object({
  left: RunDetail,
  right: RunDetail,
  alignment: Alignment,
  steps: z.object({ left: z.array(StepRecord), right: z.array(StepRecord) }),
});
export type CompareResult = z.infer<typeof CompareResult>;

/** The runs a rescue takes: the filters of GET /api/runs, over every matching run (not one page). */
export const RescueQuery = RunListQuery.omit({ limit: true, offset: true });
export type RescueQuery = z.input<typeof RescueQuery>;

export const RESCUE_FROM = ['start', 'before_first_failure'] as const;

export const RescueRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    /** The runs to rescue, by id… */
    runIds: z.array(z.string().min(1).max(128)).max(1000).optional(),
    /** …or by the Runs page's filters; only runs that ended without success are taken. */
    query: RescueQuery.optional(),
    change: RunChange.default({ nodes: {}, overrides: {} }),
    /** Re-run each from its first step, or from the step before its first failure. */
    from: z.enum(RESCUE_FROM).default('start'),
    concurrency: z.number().int().min(1).max(32).default(4),
  })
  .strict()
  .refine((body) => (body.runIds === undefined) !== (body.query === undefined), {
    message: 'select the runs to rescue: give exactly one of runIds or query',
    path: ['runIds'],
  });
export type RescueRequest = z.input<typeof RescueRequest>;

export const RescuePairStatus = z.enum(['pending', 'running', 'rescued', 'failing', 'error', 'cancelled']);
export type RescuePairStatus = z.infer<typeof RescuePairStatus>;

/** A failed run and the run that tried to rescue it. */
export const RescuePair = z.object({
  sourceRunId: z.string(),
  taskId: z.string(),
  /** The fork's first live step. */
  forkStep: z.number().int().nullable(),
  forkRunId: z.string().nullable(),
  status: RescuePairStatus,
  /** The rescuing run's status, once it has one. */
  runStatus: RunStatus.nullable(),
  /** Why no rescuing run could be started (an `error` pair). */
  error: z.string().nullable(),
  /** Runs started for this pair: more than one only when a server stop cut one short. */
  attempts: z.number().int().nonnegative(),
});
export type RescuePair = z.infer<typeof RescuePair>;

export const RescueProgress = z.object({
  rescueId: z.string(),
  status: z.enum(['running', 'finished', 'cancelled']),
  total: z.number().int(),
  done: z.number().int(),
  running: z.number().int(),
  rescued: z.number().int(),
  /** Pairs finished per minute since the rescue (re)started; null before the first. */
  ratePerMinute: z.number().nullable(),
  /** Time left at that rate; null before the first pair finishes. */
  etaMs: z.number().nullable(),
  elapsedMs: z.number(),
});
export type RescueProgress = z.infer<typeof RescueProgress>;

export const RescueSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: RescueProgress.shape.status,
  createdAt: z.string(),
  /** Who created it (team servers with accounts); null in single-user mode. */
  author: Author.nullable(),
  finishedAt: z.string().nullable(),
  change: RunChange,
  from: z.enum(RESCUE_FROM),
  concurrency: z.number().int(),
  total: z.number().int(),
  rescued: z.number().int(),
  /** Pairs done whose run still did not succeed (or could not start). */
  stillFailing: z.number().int(),
});
export type RescueSummary = z.infer<typeof RescueSummary>;

/** A rescue as it reopens: "N of M rescued", those still failing, every pair. */
export const Rescue = RescueSummary.extend({ pairs: z.array(RescuePair), progress: RescueProgress });
export type Rescue = z.infer<typeof Rescue>;

export const RescueList = z.object({ rescues: z.array(RescueSummary) });
export type RescueList = z.infer<typeof RescueList>;
