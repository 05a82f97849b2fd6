import { z } from 'zod';
import { TaskId } from './ids.ts';

/** Built-in app world: tasks are grouped in splits the way AppWorld groups them. */
export const WorldSplit = z.enum(['dev', 'test']);
export type WorldSplit = z.infer<typeof WorldSplit>;

/** 1 = one app and a few calls; 2 = pagination or two apps; 3 = several apps, aggregation and writes. */
export const WorldDifficulty = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type WorldDifficulty = z.infer<typeof WorldDifficulty>;

/** The person a task is done for; their accounts are the ones the agent logs into. */
export const WorldSupervisor = z.object({
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  phone_number: z.string(),
});
export type WorldSupervisor = z.infer<typeof WorldSupervisor>;

/** What a task list in the UI shows. */
export const WorldTaskSummary = z.object({
  id: TaskId,
  scenario: z.string(),
  split: WorldSplit,
  difficulty: WorldDifficulty,
  apps: z.array(z.string()),
  instruction: z.string(),
});
export type WorldTaskSummary = z.infer<typeof WorldTaskSummary>;

/** A whole task: what the agent is told, plus the reference solution (Python against `apis`). */
export const WorldTask = WorldTaskSummary.extend({
  supervisor: WorldSupervisor,
  /** The world's clock when the task starts, ISO 8601 without a zone. */
  datetime: z.string(),
  solution: z.string(),
});
export type WorldTask = z.infer<typeof WorldTask>;

/** Filters for listing tasks; every field narrows the list. */
export const WorldTaskFilter = z
  .object({
    split: WorldSplit.optional(),
    difficulty: z.coerce.number().pipe(WorldDifficulty).optional(),
    app: z.string().min(1).max(40).optional(),
    /** Case-insensitive text matched against the id, scenario and instruction. */
    search: z.string().max(200).optional(),
  })
  .strict();
export type WorldTaskFilter = z.infer<typeof WorldTaskFilter>;

export const WorldSuite = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  splits: z.array(z.object({ split: WorldSplit, taskCount: z.number().int().nonnegative() })),
});
export type WorldSuite = z.infer<typeof WorldSuite>;

/** One API call's result: 200 with the response, or 401/404/422 (500 for a fault in the world) with `{message}`. */
export const WorldCallResult = z.object({
  status: z.number().int(),
  body: z.unknown(),
});
export type WorldCallResult = z.infer<typeof WorldCallResult>;

export const WorldCompletion = z.object({
  completed: z.boolean(),
  answer: z.unknown(),
  status: z.enum(['success', 'fail']).nullable(),
});
export type WorldCompletion = z.infer<typeof WorldCompletion>;

/** The evaluation report, in AppWorld's shape. */
export const WorldEvaluation = z.object({
  success: z.boolean(),
  difficulty: WorldDifficulty,
  num_tests: z.number().int().nonnegative(),
  passes: z.array(z.object({ requirement: z.string(), label: z.string() })),
  failures: z.array(z.object({ requirement: z.string(), trace: z.string(), label: z.string() })),
});
export type WorldEvaluation = z.infer<typeof WorldEvaluation>;

export const ApiParameterDoc = z.object({
  name: z.string(),
  type: z.string(),
  required: z.boolean(),
  description: z.string(),
  default: z.unknown(),
  constraints: z.array(z.string()),
});
export type ApiParameterDoc = z.infer<typeof ApiParameterDoc>;

/** What `api_docs.show_api_doc` returns; generated from the definition that validates the call. */
export const ApiDoc = z.object({
  app_name: z.string(),
  api_name: z.string(),
  description: z.string(),
  requires_auth: z.boolean(),
  parameters: z.array(ApiParameterDoc),
  response_schemas: z.object({ success: z.unknown(), failure: z.unknown() }),
});
export type ApiDoc = z.infer<typeof ApiDoc>;
