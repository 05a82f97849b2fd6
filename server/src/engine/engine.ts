import {
  callsModel,
  type EdgeCondition,
  type Evaluation,
  type Graph,
  type GraphNode,
  type RunEventBody,
  type RunStatus,
  type RunTotals,
} from '@trellis/shared';
import type { Environment } from '../environments/types.ts';
import { InferenceFailure } from './llm-call.ts';
import type { ChatModel } from './model.ts';
import { ROLES } from './roles/index.ts';
import { contextTokens } from './roles/summarizer.ts';
import type { RoleContext, RoleResult } from './roles/types.ts';
import { newRunState, type RunState } from './state.ts';

export interface RunInput {
  graph: Graph;
  graphVersionId: string;
  taskId: string;
  seed: number;
  /** Sent with each model request as a label; absent where no run record exists (benchmarks). */
  runId?: string;
  /**
   * Steps taken from a record before the run's own graph and model take over (a fork's recorded part, or a
   * replay of a fork's record), in step order.
   */
  prefix?: RecordedSegment[];
}

/**
 * Steps a run takes from a record: the steps before `untilStep` (and after the previous segment's) run the graph
 * that recorded them against a model that answers from the record, so the environment and the history are rebuilt
 * exactly.
 */
export interface RecordedSegment {
  untilStep: number;
  graph: Graph;
  model: ChatModel;
}

/** A graph ready to walk, with the model its nodes call, up to the step where the next phase takes over. */
interface Phase {
  graph: Graph;
  model: ChatModel;
  nodes: Map<string, GraphNode>;
  outgoing: Map<string, Graph['edges']>;
  untilStep: number;
}

function phaseOf(graph: Graph, model: ChatModel, untilStep = Number.POSITIVE_INFINITY): Phase {
  const outgoing = new Map<string, Graph['edges']>();
  for (const edge of graph.edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  return { graph, model, nodes: new Map(graph.nodes.map((n) => [n.id, n])), outgoing, untilStep };
}

/** The endpoints a phase's model nodes call, for `run.started` (never their keys). */
async function endpointsOf(
  phase: Phase,
  into: Map<string, { id: string; name: string; baseUrl: string; kind: string }>,
): Promise<void> {
  for (const node of phase.graph.nodes) {
    if (!callsModel(node)) continue;
    const resolved = await phase.model.resolve(node.config.llm.endpointId, node.config.llm.model);
    into.set(resolved.endpoint.id, resolved.endpoint);
  }
}

export interface EngineDeps {
  model: ChatModel;
  env: Environment;
  /** Receives every event in order; the engine never formats for a transport. */
  emit: (body: RunEventBody) => void;
  signal: AbortSignal;
  /** Delta coalescing window per node (default 30 ms; 0 records no deltas). */
  deltaWindowMs?: number;
}

export interface RunOutcome {
  status: RunStatus;
  evaluation: Evaluation | null;
  error: string | null;
  totals: RunTotals;
}

/** More node visits than this within one step means a routing loop the validator could not see. */
const MAX_VISITS_PER_STEP = 64;

class RunAborted extends Error {}

/** Why a run was stopped from outside: the status it ends with and the reason its record gives. */
export class RunStop extends Error {
  constructor(
    /** `errored`: stopped by a fault around the run, such as the store going away. */
    readonly status: 'cancelled' | 'interrupted' | 'errored',
    message: string,
  ) {
    super(message);
  }
}

/** The stop a signal was aborted with; an abort without one is taken as the user's cancel. */
export function stopOf(signal: AbortSignal): RunStop {
  return signal.reason instanceof RunStop ? signal.reason : new RunStop('cancelled', 'cancelled by the user');
}

function conditionHolds(condition: EdgeCondition, result: RoleResult, state: RunState): boolean {
  switch (condition.type) {
    case 'always':
      return true;
    case 'on_error':
      return result.outcome === 'ran' && !result.ok;
    case 'on_success':
      return result.outcome === 'skipped' || result.ok;
    case 'context_over':
      return contextTokens(state) > condition.tokens;
    case 'done':
      return state.completed;
  }
}

/** The totals of a run that ended before its first step. */
export function emptyTotals(): RunTotals {
  return { steps: 0, llmCalls: 0, promptTokens: 0, completionTokens: 0, durationMs: 0, byRole: {} };
}

function totalsOf(state: RunState, started: number): RunTotals {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const role of Object.values(state.byRole)) {
    promptTokens += role.promptTokens;
    completionTokens += role.completionTokens;
  }
  return {
    steps: state.step,
    llmCalls: state.llmCalls,
    promptTokens,
    completionTokens,
    durationMs: performance.now() - started,
    byRole: state.byRole,
    noCodeSteps: state.noCodeSteps,
    apiErrorSteps: state.apiErrorSteps,
  };
}

/**
 * Runs a graph on one task. Each step walks from the entry node along the first edge whose condition holds until
 * an executor has run and no edge leads on; the task ends when the environment reports it complete or at the
 * step limit, and is then evaluated. Always emits `run.finished` last, whatever happens.
 */
export async function runGraph(input: RunInput, deps: EngineDeps): Promise<RunOutcome> {
  const started = performance.now();
  const phases = [
    ...(input.prefix ?? []).map((segment) => phaseOf(segment.graph, segment.model, segment.untilStep)),
    phaseOf(input.graph, deps.model),
  ];
  let phase = phases.find((p) => p.untilStep > 1)!;

  let state: RunState | null = null;
  const finish = (status: RunStatus, evaluation: Evaluation | null, error: string | null): RunOutcome => {
    const totals = state
      ? totalsOf(state, started)
      : { ...emptyTotals(), durationMs: performance.now() - started };
    deps.emit({ type: 'run.finished', status, evaluation, totals, error });
    return { status, evaluation, error, totals };
  };
  const checkAbort = () => {
    if (deps.signal.aborted) throw new RunAborted();
  };

  try {
    const task = await deps.env.initialize(input.taskId);
    const appDescriptions = await deps.env.appDescriptions();
    state = newRunState(task, appDescriptions, phase.graph.limits.maxSteps);
    const endpoints = new Map<string, { id: string; name: string; baseUrl: string; kind: string }>();
    for (const p of phases) if (p.untilStep > 1) await endpointsOf(p, endpoints);
    deps.emit({
      type: 'run.started',
      graphVersionId: input.graphVersionId,
      graphName: input.graph.name,
      taskId: input.taskId,
      instruction: task.instruction,
      endpoints: [...endpoints.values()],
      seed: input.seed,
      maxSteps: input.graph.limits.maxSteps,
    });

    const ctx: RoleContext = {
      llm: {
        model: phase.model,
        emit: deps.emit,
        signal: deps.signal,
        deltaWindowMs: deps.deltaWindowMs ?? 30,
        run: { runId: input.runId, seed: input.seed },
      },
      env: deps.env,
      state,
      emit: deps.emit,
      signal: deps.signal,
    };

    let current: string | null = phase.graph.entry;
    // The executor that ended the last step and what it did: where the next step starts under a new graph.
    let lastExecutor: { nodeId: string; result: RoleResult } | null = null;
    for (;;) {
      if (state.step + 1 >= phase.untilStep) {
        // The next phase takes over: its graph decides where this step starts, from how the last one ended.
        phase = phases.find((p) => p.untilStep > state!.step + 1)!;
        ctx.llm.model = phase.model;
        state.maxSteps = phase.graph.limits.maxSteps;
        const edges = lastExecutor ? (phase.outgoing.get(lastExecutor.nodeId) ?? []) : [];
        current = edges.find((e) => conditionHolds(e.when, lastExecutor!.result, state!))?.to ?? null;
      }
      if (state.completed || state.step >= state.maxSteps) break;
      checkAbort();
      const { graph, nodes, outgoing } = phase;
      state.step++;
      deps.emit({ type: 'step.started', step: state.step });
      let visits = 0;
      let executed = false;
      current ??= graph.entry;
      while (current !== null) {
        checkAbort();
        if (++visits > MAX_VISITS_PER_STEP) {
          return finish(
            'errored',
            null,
            `step ${state.step} visited more than ${MAX_VISITS_PER_STEP} nodes; check the edge conditions`,
          );
        }
        const node = nodes.get(current);
        if (!node) return finish('errored', null, `edge leads to unknown node '${current}'`);
        deps.emit({ type: 'node.started', step: state.step, nodeId: node.id, kind: node.kind });
        const nodeStarted = performance.now();
        const role = ROLES[node.kind] as (c: RoleContext, n: GraphNode) => Promise<RoleResult>;
        const result = await role(ctx, node);
        deps.emit({
          type: 'node.finished',
          step: state.step,
          nodeId: node.id,
          kind: node.kind,
          outcome: result.outcome === 'skipped' ? 'skipped' : result.ok ? 'ran' : 'failed',
          ...(result.reason ? { reason: result.reason } : {}),
          durationMs: performance.now() - nodeStarted,
        });
        if (graph.limits.tokenBudget !== null && state.tokensUsed > graph.limits.tokenBudget) {
          const evaluation = await deps.env.evaluate();
          return finish(
            'failed',
            evaluation,
            `token budget of ${graph.limits.tokenBudget.toLocaleString('en-US')} tokens spent (${state.tokensUsed.toLocaleString('en-US')} used)`,
          );
        }
        const edge = (outgoing.get(node.id) ?? []).find((e) => conditionHolds(e.when, result, state!));
        if (node.kind === 'executor') {
          executed = true;
          lastExecutor = { nodeId: node.id, result };
          if (state.completed) {
            current = null;
            break;
          }
          // Following an edge out of the executor (e.g. on_error → corrector) starts the next step there.
          current = edge?.to ?? null;
          break;
        }
        if (!edge) {
          return finish('errored', null, `node '${node.id}' has no outgoing edge whose condition holds`);
        }
        current = edge.to;
      }
      if (!executed) return finish('errored', null, `step ${state.step} ended without reaching an executor`);
    }
    checkAbort();
    const evaluation = await deps.env.evaluate();
    const error = state.completed
      ? null
      : `reached the step limit (${state.maxSteps}) before the task was completed`;
    return finish(evaluation.success ? 'succeeded' : 'failed', evaluation, error);
  } catch (error) {
    if (error instanceof RunAborted || deps.signal.aborted) {
      const stop = stopOf(deps.signal);
      return finish(stop.status, null, stop.message);
    }
    if (error instanceof InferenceFailure) {
      return finish('errored', null, `model call failed: ${error.message}`);
    }
    return finish('errored', null, error instanceof Error ? error.message : String(error));
  }
}
