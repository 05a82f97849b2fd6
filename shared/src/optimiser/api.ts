import { z } from 'zod';
import { Author } from '../accounts.ts';
import { ExperimentTaskSet, RateWithInterval } from '../experiments/api.ts';
import { EditChange } from '../replay/change.ts';

/** The model that analyses each round's results and writes the next edit of the graph. */
export const MetaAgent = z
  .object({ endpointId: z.string().min(1).max(64), model: z.string().min(1).max(256).optional() })
  .strict();
export type MetaAgent = z.infer<typeof MetaAgent>;

export const OptimiserRequest = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    /** The graph the first round edits; it is scored on the same tasks first, as round 0. */
    graphVersionId: z.string().min(1).max(128),
    /** The endpoint and model for nodes that bind none. */
    endpointId: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(256).optional(),
    /** Dev tasks only: an optimiser never reads the test split. */
    tasks: ExperimentTaskSet,
    repeats: z.number().int().min(1).max(10).default(1),
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .min(1)
      .max(10)
      .optional(),
    /** Edits proposed, each checked, repaired up to three times and scored on the dev tasks. */
    rounds: z.number().int().min(1).max(30).default(10),
    metaAgent: MetaAgent,
    /** Failed dev runs of the best graph shown to the meta-agent each round. */
    failureSamples: z.number().int().min(0).max(20).default(5),
    concurrencyPerEndpoint: z.number().int().min(1).max(256).default(8),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.seeds && request.seeds.length !== request.repeats) {
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'give one seed per repeat' });
    }
  });
export type OptimiserRequest = z.input<typeof OptimiserRequest>;

export const CANDIDATE_STATUSES = ['running', 'evaluated', 'invalid', 'skipped', 'errored'] as const;
/**
 * - `running`: being scored on the dev tasks.
 * - `evaluated`: scored.
 * - `invalid`: no proposal passed the checks within three repairs; the round was skipped.
 * - `skipped`: valid, but its scoring did not finish (the optimisation was cancelled).
 * - `errored`: its scoring failed (every run errored, or its experiment could not run).
 */
export const CandidateStatus = z.enum(CANDIDATE_STATUSES);
export type CandidateStatus = z.infer<typeof CandidateStatus>;

export const PROBLEM_STAGES = ['reply', 'schema', 'validation', 'duplicate', 'dry_run'] as const;

/** Why one proposal of a round was refused: `attempt` 0 is the first proposal, 1–3 the repairs. */
export const CandidateProblem = z.object({
  attempt: z.number().int(),
  stage: z.enum(PROBLEM_STAGES),
  message: z.string(),
});
export type CandidateProblem = z.infer<typeof CandidateProblem>;

/** One round's graph: round 0 is the starting graph, scored as it is. */
export const OptimiserCandidate = z.object({
  round: z.number().int(),
  index: z.number().int(),
  /** The graph this one edits (the best so far when the round began); null for round 0. */
  parentVersionId: z.string().nullable(),
  /** The saved version; null when no proposal of the round was valid. */
  versionId: z.string().nullable(),
  label: z.string(),
  analysis: z.string(),
  /** What the edit changed, against the parent (diffGraphs); empty for round 0 and invalid rounds. */
  edit: z.array(EditChange),
  status: CandidateStatus,
  /** Why it is invalid, skipped or errored; null otherwise. */
  reason: z.string().nullable(),
  /** Repairs asked for after the first proposal (0–3). */
  repairs: z.number().int(),
  problems: z.array(CandidateProblem),
  /** The one-task run that checked the valid proposal before it was scored. */
  dryRunId: z.string().nullable(),
  experimentId: z.string().nullable(),
  /** Dev TGC (fraction) with its Wilson interval. */
  score: RateWithInterval.nullable(),
  /** Mean tokens (prompt + completion) per finished dev run. */
  cost: z.number().nullable(),
  /** See OPTIMISER_REWARD_RULE; null for round 0 and while running. */
  reward: z.number().nullable(),
  createdAt: z.string(),
});
export type OptimiserCandidate = z.infer<typeof OptimiserCandidate>;

export const OPTIMISATION_STATUSES = ['running', 'finished', 'cancelled', 'stopped'] as const;
export const OptimisationStatus = z.enum(OPTIMISATION_STATUSES);
export type OptimisationStatus = z.infer<typeof OptimisationStatus>;

export const OptimisationSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: OptimisationStatus,
  /** Why it stopped early (the meta-agent failed, the starting graph could not be scored), or null. */
  stopReason: z.string().nullable(),
  graphVersionId: z.string(),
  graphName: z.string(),
  metaAgent: z.object({ endpointId: z.string(), model: z.string().nullable() }),
  roundsRequested: z.number().int(),
  /** Rounds that ended (evaluated, invalid, skipped or errored), not counting round 0. */
  roundsDone: z.number().int(),
  baseline: z.object({ versionId: z.string(), score: RateWithInterval.nullable() }).nullable(),
  /** Highest dev TGC, then fewer tokens per run, then the earlier round. */
  best: z
    .object({
      round: z.number().int(),
      versionId: z.string(),
      score: RateWithInterval,
      cost: z.number().nullable(),
    })
    .nullable(),
  /** A simulated model ran the graphs or played the meta-agent: every view and export says so. */
  simulated: z.boolean(),
  createdAt: z.string(),
  /** Who created it (team servers with accounts); null in single-user mode. */
  author: Author.nullable(),
  finishedAt: z.string().nullable(),
  /** The best graph's one run on the test split, after the optimisation; null until asked for. */
  confirmation: z
    .object({ experimentId: z.string(), status: z.string(), score: RateWithInterval.nullable() })
    .nullable(),
});
export type OptimisationSummary = z.infer<typeof OptimisationSummary>;

export const OPTIMISATION_PHASES = ['baseline', 'proposing', 'checking', 'evaluating'] as const;

export const OptimisationProgress = z.object({
  roundsDone: z.number().int(),
  roundsRequested: z.number().int(),
  /** The round being worked on (0: the starting graph); null when not running here. */
  round: z.number().int().nullable(),
  phase: z.enum(OPTIMISATION_PHASES).nullable(),
  /** Rounds (round 0 included) per minute, and the time left, from this process's own pace. */
  ratePerMinute: z.number().nullable(),
  etaMs: z.number().nullable(),
  elapsedMs: z.number(),
});
export type OptimisationProgress = z.infer<typeof OptimisationProgress>;

export const Optimisation = OptimisationSummary.extend({
  request: z.record(z.string(), z.unknown()),
  candidates: z.array(OptimiserCandidate),
  progress: OptimisationProgress,
});
export type Optimisation = z.infer<typeof Optimisation>;

export const OptimisationList = z.object({ optimisations: z.array(OptimisationSummary) });

/** A failed dev run of the best graph, as the meta-agent is shown it. */
export const FailureSample = z.object({
  taskId: z.string(),
  instruction: z.string(),
  cause: z.string(),
  runId: z.string().nullable(),
  error: z.string().nullable(),
  /** What the run's last action printed or raised, clipped. */
  lastObservation: z.string().nullable(),
});
export type FailureSample = z.infer<typeof FailureSample>;

/**
 * One round of an optimisation as a training example for a meta-agent (GET /optimisations/:id/rounds.jsonl):
 * what it was shown, what it proposed, and what came of it.
 */
export const OptimiserRoundLine = z.object({
  optimisationId: z.string(),
  round: z.number().int(),
  state: z.object({
    versionId: z.string().nullable(),
    graph: z.unknown(),
    score: z.number().nullable(),
    failures: z.array(FailureSample),
    history: z.array(z.object({ round: z.number().int(), label: z.string(), score: z.number().nullable() })),
  }),
  proposal: z.object({
    analysis: z.string(),
    label: z.string(),
    edit: z.array(EditChange),
    /** The graph as checked (null when no proposal could be read as one). */
    graph: z.unknown(),
  }),
  /** Every proposal of the round in order with what was wrong with it: the repair turns. */
  attempts: z.array(z.object({ reply: z.string(), problems: z.array(z.string()) })),
  reward: z.number().nullable(),
  score: z.number().nullable(),
  cost: z.number().nullable(),
  valid: z.boolean(),
  repairs: z.number().int(),
  status: CandidateStatus,
  simulated: z.boolean(),
});
export type OptimiserRoundLine = z.infer<typeof OptimiserRoundLine>;
