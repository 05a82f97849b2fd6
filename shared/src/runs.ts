import { z } from 'zod';
import { Author } from './accounts.ts';
import { Graph } from './graph/graph.ts';
import { GraphIssue } from './graph/validate.ts';
import { Evaluation, RunStatus, RunTotals } from './trace.ts';

export const NodeOverride = z
  .object({ endpointId: z.string().min(1).max(64).optional(), model: z.string().min(1).max(256).optional() })
  .strict();
export type NodeOverride = z.infer<typeof NodeOverride>;

export const StartRunRequest = z
  .object({
    /** A saved version to run… */
    graphVersionId: z.string().min(1).max(128).optional(),
    /** …or an inline graph, saved as a version first so the run records exactly what ran. */
    graph: Graph.optional(),
    taskId: z.string().min(1).max(128),
    /** Default endpoint and model for LLM nodes that bind none. */
    endpointId: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(256).optional(),
    /** Per-node endpoint/model overrides. */
    overrides: z.record(z.string(), NodeOverride).default({}),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict()
  .refine((body) => (body.graphVersionId === undefined) !== (body.graph === undefined), {
    message: 'give exactly one of graphVersionId or graph',
    path: ['graphVersionId'],
  });
export type StartRunRequest = z.input<typeof StartRunRequest>;

export const RunSummary = z.object({
  id: z.string(),
  graphVersionId: z.string(),
  graphName: z.string(),
  taskId: z.string(),
  difficulty: z.number().int().nullable(),
  status: RunStatus,
  createdAt: z.string(),
  /** Who created it (team servers with accounts); null in single-user mode. */
  author: Author.nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  steps: z.number().int(),
  success: z.boolean().nullable(),
  error: z.string().nullable(),
  eventCount: z.number().int(),
  totals: RunTotals.nullable(),
  /** The models the run's requests named (its `llm.request` events), in the order each was first called. */
  models: z.array(z.string()),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunDetail = RunSummary.extend({
  evaluation: Evaluation.nullable(),
  seed: z.number().int(),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const RunListQuery = z
  .object({
    graph: z.string().max(128).optional(),
    graphVersionId: z.string().max(128).optional(),
    task: z.string().max(128).optional(),
    status: RunStatus.optional(),
    difficulty: z.coerce.number().int().min(1).max(3).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type RunListQuery = z.input<typeof RunListQuery>;

export const RunList = z.object({ runs: z.array(RunSummary), total: z.number().int() });
export type RunList = z.infer<typeof RunList>;

export const SaveGraphVersionRequest = z
  .object({
    graph: Graph,
    message: z.string().max(2000).default(''),
    /** The lineage this version belongs to; omitted starts a new graph. */
    graphId: z.string().min(1).max(64).optional(),
    parentId: z.string().min(1).max(128).nullable().optional(),
  })
  .strict();
export type SaveGraphVersionRequest = z.input<typeof SaveGraphVersionRequest>;

export const GraphVersion = z.object({
  id: z.string(),
  graphId: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  message: z.string(),
  createdAt: z.string(),
  /** Who created it (team servers with accounts); null in single-user mode. */
  author: Author.nullable(),
  graph: Graph,
  issues: z.array(GraphIssue),
});
export type GraphVersion = z.infer<typeof GraphVersion>;

export const GraphSummary = z.object({
  id: z.string(),
  name: z.string(),
  headVersionId: z.string(),
  versionCount: z.number().int(),
  updatedAt: z.string(),
});
export type GraphSummary = z.infer<typeof GraphSummary>;
