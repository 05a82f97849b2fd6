import { z } from 'zod';
import { Author } from '../accounts.ts';
import { ExperimentTaskSet, RateWithInterval } from '../experiments/api.ts';

/** A model a role may be given: an endpoint and the model to ask it for. */
export const ModelChoice = z
  .object({ endpointId: z.string().min(1).max(64), model: z.string().min(1).max(256) })
  .strict();
export type ModelChoice = z.infer<typeof ModelChoice>;

export const CORRECTOR_TRIGGERS = ['always', 'after_failure', 'never'] as const;

/**
 * The knobs a search may turn on one node, each with the values to try. Knobs that do not apply to the node's kind
 * (a summarizer threshold on an agent) are refused. No role samples several replies yet, so there is no samples knob.
 */
export const NodeKnobs = z
  .object({
    model: z.array(ModelChoice).min(1).max(8).optional(),
    maxOutputTokens: z.array(z.number().int().min(16).max(131_072)).min(1).max(12).optional(),
    thinking: z.array(z.boolean()).min(1).max(2).optional(),
    temperature: z.array(z.number().min(0).max(2)).min(1).max(12).optional(),
    summarizerThreshold: z.array(z.number().int().min(100).max(10_000_000)).min(1).max(12).optional(),
    keepLastTurns: z.array(z.number().int().min(0).max(50)).min(1).max(12).optional(),
    correctorTrigger: z.array(z.enum(CORRECTOR_TRIGGERS)).min(1).max(3).optional(),
  })
  .strict();
export type NodeKnobs = z.infer<typeof NodeKnobs>;
export type KnobName = keyof NodeKnobs;
export const KNOB_NAMES = [
  'model',
  'maxOutputTokens',
  'thinking',
  'temperature',
  'summarizerThreshold',
  'keepLastTurns',
  'correctorTrigger',
] as const satisfies readonly KnobName[];

/** Which node kinds each knob applies to. */
export const KNOB_KINDS: Record<KnobName, readonly string[]> = {
  model: ['agent', 'summarizer', 'corrector'],
  maxOutputTokens: ['agent', 'summarizer', 'corrector'],
  thinking: ['agent', 'summarizer', 'corrector'],
  temperature: ['agent', 'summarizer', 'corrector'],
  summarizerThreshold: ['summarizer'],
  keepLastTurns: ['summarizer'],
  correctorTrigger: ['corrector'],
};

/** Per node id, the knobs to search. */
export const SearchSpace = z.record(z.string().min(1).max(64), NodeKnobs);
export type SearchSpace = z.infer<typeof SearchSpace>;

/** One value per searched knob per node: what a trial runs with. */
export type Allocation = Record<string, Partial<{ [K in KnobName]: NonNullable<NodeKnobs[K]>[number] }>>;
export const AllocationSchema = z.record(
  z.string().min(1).max(64),
  z
    .object({
      model: ModelChoice.optional(),
      maxOutputTokens: z.number().int().optional(),
      thinking: z.boolean().optional(),
      temperature: z.number().optional(),
      summarizerThreshold: z.number().int().optional(),
      keepLastTurns: z.number().int().optional(),
      correctorTrigger: z.enum(CORRECTOR_TRIGGERS).optional(),
    })
    .strict(),
);

/**
 * How compute is counted, declared by the user rather than guessed. A model's weight is its cost per token (e.g.
 * relative FLOPs, or price per million tokens), for input and output separately; a model not listed weighs 1, so
 * with no weights compute is plain tokens.
 *
 * - Declared cost of an allocation (checked before it runs): Σ over model nodes of the output weight of its model ×
 *   its max output tokens — the most one step can generate. Allocations above `budget` are refused.
 * - Measured compute of a trial (after it ran): Σ over its runs' calls of input weight × prompt tokens + output
 *   weight × completion tokens, per run (mean), from the usage the servers reported.
 */
export const ComputeRule = z
  .object({
    weights: z
      .record(
        z.string().min(1).max(256),
        z.object({ input: z.number().min(0).max(1e6), output: z.number().min(0).max(1e6) }).strict(),
      )
      .default({}),
    budget: z.number().positive(),
  })
  .strict();
export type ComputeRule = z.infer<typeof ComputeRule>;

export const SEARCH_METHODS = ['random', 'bayesian', 'proposer'] as const;
export const SearchMethod = z.enum(SEARCH_METHODS);
export type SearchMethod = z.infer<typeof SearchMethod>;

export const SearchRequest = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    graphVersionId: z.string().min(1).max(128),
    /** The endpoint and model for nodes that bind none (and that no model knob sets). */
    endpointId: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(256).optional(),
    /** Dev tasks only: a search never reads the test split. */
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
    space: SearchSpace,
    compute: ComputeRule,
    method: SearchMethod,
    trials: z.number().int().min(1).max(200),
    /** Allocations proposed per round (the proposer's batch; random and Bayesian run this many at once). */
    batchSize: z.number().int().min(1).max(16).default(4),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    /** The model that proposes allocations (method `proposer`). */
    proposer: z
      .object({ endpointId: z.string().min(1).max(64), model: z.string().min(1).max(256).optional() })
      .strict()
      .optional(),
    concurrencyPerEndpoint: z.number().int().min(1).max(256).default(8),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.method === 'proposer' && !request.proposer) {
      ctx.addIssue({
        code: 'custom',
        path: ['proposer'],
        message: 'method proposer needs a proposer endpoint',
      });
    }
    if (request.seeds && request.seeds.length !== request.repeats) {
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'give one seed per repeat' });
    }
  });
export type SearchRequest = z.input<typeof SearchRequest>;

export const TRIAL_STATUSES = ['running', 'done', 'reused', 'refused', 'errored'] as const;
export const TrialStatus = z.enum(TRIAL_STATUSES);
export type TrialStatus = z.infer<typeof TrialStatus>;

/** One allocation tried (or refused) by a search. */
export const SearchTrial = z.object({
  index: z.number().int(),
  round: z.number().int(),
  allocation: AllocationSchema,
  /** Canonical form of the allocation: equal keys are identical trials. */
  key: z.string(),
  status: TrialStatus,
  /** Why a proposal was refused, or why the trial errored. */
  reason: z.string().nullable(),
  /** The proposer's reasons for this allocation. */
  rationale: z.string().nullable(),
  experimentId: z.string().nullable(),
  /** The trial this one reused (same allocation), by index. */
  reusedFrom: z.number().int().nullable(),
  /** The graph version the trial ran: the searched graph with the allocation written into its nodes. */
  graphVersionId: z.string().nullable(),
  declaredCost: z.number().nullable(),
  /** Dev TGC (fraction) with its interval; null until the trial's experiment has finished. */
  score: RateWithInterval.nullable(),
  /** Measured compute per run (see ComputeRule), and tokens per run. */
  compute: z.number().nullable(),
  tokens: z.number().nullable(),
});
export type SearchTrial = z.infer<typeof SearchTrial>;

export const SEARCH_STATUSES = ['running', 'finished', 'cancelled', 'stopped'] as const;
export const SearchStatus = z.enum(SEARCH_STATUSES);
export type SearchStatus = z.infer<typeof SearchStatus>;

export const SearchSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: SearchStatus,
  /** Why it stopped early, or (finished) why it ran fewer trials than asked: nothing untried was left. */
  stopReason: z.string().nullable(),
  method: SearchMethod,
  graphVersionId: z.string(),
  graphName: z.string(),
  trialsRequested: z.number().int(),
  /** Trials that ran (or reused a finished one); refused proposals are not trials. */
  trialsDone: z.number().int(),
  refused: z.number().int(),
  best: z.object({ index: z.number().int(), score: z.number(), compute: z.number().nullable() }).nullable(),
  simulated: z.boolean(),
  createdAt: z.string(),
  /** Who created it (team servers with accounts); null in single-user mode. */
  author: Author.nullable(),
  finishedAt: z.string().nullable(),
  /** The chosen allocation's one run on the test split, after the search; null until asked for. */
  confirmation: z
    .object({ experimentId: z.string(), status: z.string(), score: RateWithInterval.nullable() })
    .nullable(),
});
export type SearchSummary = z.infer<typeof SearchSummary>;

export const Search = SearchSummary.extend({
  request: z.record(z.string(), z.unknown()),
  trials: z.array(SearchTrial),
  /** The proposer's lessons, one per round. */
  lessons: z.array(z.object({ round: z.number().int(), text: z.string() })),
  progress: z.object({
    trialsDone: z.number().int(),
    trialsRequested: z.number().int(),
    runningTrials: z.number().int(),
    ratePerMinute: z.number().nullable(),
    etaMs: z.number().nullable(),
    elapsedMs: z.number(),
  }),
});
export type Search = z.infer<typeof Search>;
