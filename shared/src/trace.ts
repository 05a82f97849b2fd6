import { z } from 'zod';
import { NodeKind } from './graph/registry.ts';
import { ChatMessage, InferenceError, SamplingParams, Usage } from './inference.ts';
import { ChargedTokens } from './run-contract/charging.ts';
import { RUN_STATUSES } from './status.ts';

/**
 * The version of the recorded events. 2: `llm.request` records the endpoint and a hash of the messages, and
 * `llm.response` the tokens charged. Fields added since 1 are optional, so traces recorded before still parse.
 */
export const TRACE_SCHEMA_VERSION = 2;

export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const ApiCallRecord = z.object({
  app: z.string(),
  api: z.string(),
  status: z.number().int(),
  durationMs: z.number(),
});
export type ApiCallRecord = z.infer<typeof ApiCallRecord>;

export const Evaluation = z.object({
  success: z.boolean(),
  difficulty: z.number().int().nullable(),
  numTests: z.number().int().nonnegative(),
  passes: z.array(z.object({ requirement: z.string(), label: z.string() })),
  failures: z.array(z.object({ requirement: z.string(), trace: z.string(), label: z.string() })),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const RoleTotals = z.object({
  calls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});
export type RoleTotals = z.infer<typeof RoleTotals>;

export const RunTotals = z.object({
  steps: z.number().int().nonnegative(),
  llmCalls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  byRole: z.record(z.string(), RoleTotals),
  /** Steps whose reply had no code to run (absent on runs recorded before it was counted). */
  noCodeSteps: z.number().int().nonnegative().optional(),
  /** Steps whose action ended in an API error: a call the world answered with 400 or more. */
  apiErrorSteps: z.number().int().nonnegative().optional(),
});
export type RunTotals = z.infer<typeof RunTotals>;

export const TraceEndpoint = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  kind: z.string(),
});

/**
 * What a run records, in order. Complete enough to replay the run without a model: each LLM node's output is read
 * back from `llm.response`, and the deterministic environment re-executes the code.
 */
export const RunEventBody = z.discriminatedUnion('type', [
  /** The run began: what ran, on what, against which servers (never their keys). */
  z.object({
    type: z.literal('run.started'),
    graphVersionId: z.string(),
    graphName: z.string(),
    taskId: z.string(),
    instruction: z.string(),
    endpoints: z.array(TraceEndpoint),
    seed: z.number().int(),
    maxSteps: z.number().int(),
  }),
  /** A turn began (1-based). */
  z.object({ type: z.literal('step.started'), step: z.number().int().positive() }),
  /** A node began its work in this step. */
  z.object({ type: z.literal('node.started'), step: z.number().int(), nodeId: z.string(), kind: NodeKind }),
  /** A node ended: ran, or skipped because its trigger did not hold. */
  z.object({
    type: z.literal('node.finished'),
    step: z.number().int(),
    nodeId: z.string(),
    kind: NodeKind,
    outcome: z.enum(['ran', 'skipped', 'failed']),
    reason: z.string().optional(),
    durationMs: z.number(),
  }),
  /**
   * The exact request sent to a model: the model, the messages, and the params after the endpoint's defaults
   * were merged in (the chat body is these alone, plus the streaming flags).
   */
  z.object({
    type: z.literal('llm.request'),
    step: z.number().int(),
    nodeId: z.string(),
    /** The calling node's kind. */
    role: NodeKind,
    callId: z.string(),
    endpointId: z.string(),
    /** The endpoint called, never its key (since version 2). */
    endpoint: TraceEndpoint.optional(),
    model: z.string(),
    messages: z.array(ChatMessage),
    /** sha256 (hex) of the messages' canonical JSON, for a replay to compare against (since version 2). */
    messagesHash: z.string().optional(),
    params: SamplingParams,
    /** Only in compact snapshots: the messages were left out (fetch the event by its seq for them). */
    omitted: z.object({ messages: z.number().int(), chars: z.number().int() }).optional(),
  }),
  /** Streamed fragments, coalesced over a few tens of milliseconds. */
  z.object({
    type: z.literal('llm.delta'),
    step: z.number().int(),
    nodeId: z.string(),
    callId: z.string(),
    text: z.string(),
    reasoning: z.string(),
  }),
  /** The whole output of a model call, or its error. */
  z.object({
    type: z.literal('llm.response'),
    step: z.number().int(),
    nodeId: z.string(),
    /** The calling node's kind. */
    role: NodeKind,
    callId: z.string(),
    text: z.string(),
    reasoning: z.string(),
    usage: Usage.nullable(),
    ttftMs: z.number().nullable(),
    latencyMs: z.number(),
    finishReason: z.string().nullable(),
    error: InferenceError.nullable(),
    /** The tokens this call was charged, computed once by the server (since version 2). */
    charged: ChargedTokens.optional(),
  }),
  /** The summarizer compressed the history. */
  z.object({
    type: z.literal('summary.applied'),
    step: z.number().int(),
    nodeId: z.string(),
    tokensBefore: z.number().int(),
    tokensAfter: z.number().int(),
    turnsCompressed: z.number().int(),
    input: z.string(),
    summary: z.string(),
    /** Artifacts found verbatim in the summary the next step sees. */
    artifactsKept: z.array(z.string()),
    /** Artifacts the model dropped that pinning put back. */
    artifactsRestored: z.array(z.string()),
    /** Artifacts missing from the summary (only when pinning is off). */
    artifactsLost: z.array(z.string()),
  }),
  /** The corrector reviewed the agent's code. */
  z.object({
    type: z.literal('correction'),
    step: z.number().int(),
    nodeId: z.string(),
    reason: z.enum(['always', 'after_failure', 'loop_breaker']),
    codeBefore: z.string(),
    codeAfter: z.string(),
    changed: z.boolean(),
    rationale: z.string(),
  }),
  /** The executor ran an action in the environment. */
  z.object({
    type: z.literal('action.executed'),
    step: z.number().int(),
    nodeId: z.string(),
    code: z.string(),
    observation: z.string(),
    ok: z.boolean(),
    error: z.string().nullable(),
    apiCalls: z.array(ApiCallRecord),
    durationMs: z.number(),
    completed: z.boolean(),
  }),
  /** The run ended. */
  z.object({
    type: z.literal('run.finished'),
    status: RunStatus,
    evaluation: Evaluation.nullable(),
    totals: RunTotals,
    error: z.string().nullable(),
  }),
]);
export type RunEventBody = z.infer<typeof RunEventBody>;
export type RunEventType = RunEventBody['type'];

export const RunEvent = z.intersection(
  z.object({ runId: z.string(), seq: z.number().int().positive(), at: z.number() }),
  RunEventBody,
);
export type RunEvent = RunEventBody & { runId: string; seq: number; at: number };
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
