import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { kindCallsModel, type RunEvent, type RunEventOf } from '@trellis/shared';
import {
  actionAttributes,
  chatRequestAttributes,
  chatResponseAttributes,
  runOutcomeAttributes,
  type TracedEndpoint,
} from './attributes.ts';
import { GEN_AI, OPERATION } from './semconv.ts';

/** What the store knows about where a run came from; read once, when its trace begins. */
export interface RunLinks {
  parentRunId: string | null;
  forkStep: number | null;
  experimentId: string | null;
}

interface Open {
  span: Span;
  context: Context;
}

interface OpenNode extends Open {
  nodeId: string;
  /** An executor: its span is the `execute_tool` span its action fills in. */
  tool: boolean;
}

function open(
  tracer: Tracer,
  parent: Context,
  name: string,
  at: number,
  attributes: Attributes,
  kind?: SpanKind,
) {
  const span = tracer.startSpan(name, { startTime: at, attributes, kind: kind ?? SpanKind.INTERNAL }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Folds one run's events, as they are published, into spans: the run (`invoke_workflow`), a child per step, per
 * node in the step (`invoke_agent <kind>`, or `execute_tool <node>` for the executor) and per model call
 * (`chat <model>`, under its node). Every span starts and ends at its events' `at`.
 */
export class RunTrace {
  private root: Open | null = null;
  private step: Open | null = null;
  private node: OpenNode | null = null;
  private readonly calls = new Map<string, Span>();
  private readonly endpoints = new Map<string, TracedEndpoint>();
  private links: RunLinks = { parentRunId: null, forkStep: null, experimentId: null };

  constructor(
    private readonly tracer: Tracer,
    private readonly runId: string,
    private readonly options: { content: boolean; links: () => RunLinks },
  ) {}

  /** The span context of a model call in flight, for the `traceparent` its request carries. */
  callContext(callId: string): SpanContext | undefined {
    return this.calls.get(callId)?.spanContext();
  }

  record(event: RunEvent): void {
    switch (event.type) {
      case 'run.started':
        this.runStarted(event);
        break;
      case 'step.started':
        this.stepStarted(event);
        break;
      case 'node.started':
        this.nodeStarted(event);
        break;
      case 'node.finished':
        this.nodeFinished(event);
        break;
      case 'llm.request':
        this.chatStarted(event);
        break;
      case 'llm.response':
        this.chatFinished(event);
        break;
      case 'summary.applied':
        this.node?.span.setAttributes({
          'trellis.summary.tokens_before': event.tokensBefore,
          'trellis.summary.tokens_after': event.tokensAfter,
          'trellis.summary.turns_compressed': event.turnsCompressed,
          'trellis.summary.artifacts_kept': event.artifactsKept.length,
          'trellis.summary.artifacts_restored': event.artifactsRestored.length,
          'trellis.summary.artifacts_lost': event.artifactsLost.length,
        });
        break;
      case 'correction':
        this.node?.span.setAttributes({
          'trellis.correction.reason': event.reason,
          'trellis.correction.changed': event.changed,
        });
        break;
      case 'action.executed':
        this.actionExecuted(event);
        break;
      case 'run.finished':
        this.runFinished(event);
        break;
      default:
        // llm.delta: the reply is recorded whole on llm.response.
        break;
    }
  }

  /** The run's span, begun at the first event when `run.started` never came (the run failed before it). */
  private ensureRoot(at: number, name: string = OPERATION.invokeWorkflow, attributes: Attributes = {}): Open {
    if (this.root) return this.root;
    this.links = this.options.links();
    const { parentRunId, forkStep, experimentId } = this.links;
    this.root = open(this.tracer, ROOT_CONTEXT, name, at, {
      [GEN_AI.operationName]: OPERATION.invokeWorkflow,
      [GEN_AI.conversationId]: this.runId,
      ...attributes,
      ...(parentRunId ? { 'trellis.fork.parent_run_id': parentRunId } : {}),
      ...(forkStep !== null ? { 'trellis.fork.step': forkStep } : {}),
      ...(experimentId ? { 'trellis.experiment.id': experimentId } : {}),
    });
    return this.root;
  }

  private runStarted(event: RunEventOf<'run.started'>) {
    for (const endpoint of event.endpoints) this.endpoints.set(endpoint.id, endpoint);
    this.ensureRoot(event.at, `${OPERATION.invokeWorkflow} ${event.graphName}`, {
      [GEN_AI.workflowName]: event.graphName,
      'trellis.task.id': event.taskId,
      'trellis.graph.version_id': event.graphVersionId,
      'trellis.seed': event.seed,
      'trellis.run.max_steps': event.maxSteps,
    });
  }

  private stepStarted(event: RunEventOf<'step.started'>) {
    this.endStep(event.at);
    this.step = open(this.tracer, this.ensureRoot(event.at).context, `step ${event.step}`, event.at, {
      'trellis.step': event.step,
    });
  }

  private nodeStarted(event: RunEventOf<'node.started'>) {
    this.endNode(event.at);
    const parent = (this.step ?? this.ensureRoot(event.at)).context;
    const tool = !kindCallsModel(event.kind);
    const common = {
      [GEN_AI.conversationId]: this.runId,
      'trellis.step': event.step,
      'trellis.node.kind': event.kind,
    };
    const opened = tool
      ? open(this.tracer, parent, `${OPERATION.executeTool} ${event.nodeId}`, event.at, {
          [GEN_AI.operationName]: OPERATION.executeTool,
          [GEN_AI.toolName]: event.nodeId,
          ...common,
        })
      : open(this.tracer, parent, `${OPERATION.invokeAgent} ${event.kind}`, event.at, {
          [GEN_AI.operationName]: OPERATION.invokeAgent,
          [GEN_AI.agentId]: event.nodeId,
          [GEN_AI.agentName]: event.nodeId,
          ...common,
        });
    this.node = { ...opened, nodeId: event.nodeId, tool };
  }

  private nodeFinished(event: RunEventOf<'node.finished'>) {
    const node = this.node;
    if (!node || node.nodeId !== event.nodeId) return;
    node.span.setAttribute('trellis.node.outcome', event.outcome);
    if (event.reason) node.span.setAttribute('trellis.node.reason', event.reason);
    // An executor's failure is its action's, set there; an agent's is the node's.
    if (event.outcome === 'failed' && !node.tool) node.span.setStatus({ code: SpanStatusCode.ERROR });
    this.endNode(event.at);
  }

  private chatStarted(event: RunEventOf<'llm.request'>) {
    const parent = this.node?.nodeId === event.nodeId ? this.node : (this.step ?? this.ensureRoot(event.at));
    const endpoint = event.endpoint ?? this.endpoints.get(event.endpointId);
    const { forkStep } = this.links;
    const { span } = open(
      this.tracer,
      parent.context,
      `${OPERATION.chat} ${event.model}`,
      event.at,
      {
        [GEN_AI.operationName]: OPERATION.chat,
        [GEN_AI.conversationId]: this.runId,
        ...chatRequestAttributes(event, endpoint, this.options.content),
        'trellis.call.id': event.callId,
        'trellis.node.id': event.nodeId,
        'trellis.step': event.step,
        // A fork's steps before its fork step are answered from the parent's record, with no request sent.
        ...(forkStep !== null && event.step < forkStep ? { 'trellis.replayed': true } : {}),
      },
      SpanKind.CLIENT,
    );
    this.calls.set(event.callId, span);
  }

  private chatFinished(event: RunEventOf<'llm.response'>) {
    const span = this.calls.get(event.callId);
    if (!span) return;
    this.calls.delete(event.callId);
    span.setAttributes(chatResponseAttributes(event, this.options.content));
    if (event.error) span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
    span.end(event.at);
  }

  private actionExecuted(event: RunEventOf<'action.executed'>) {
    let span: Span;
    let standalone = false;
    if (this.node?.tool && this.node.nodeId === event.nodeId) {
      span = this.node.span;
    } else {
      // Not inside its executor's node (never so today): a span of its own, timed by its duration.
      const parent = (this.step ?? this.ensureRoot(event.at)).context;
      span = open(
        this.tracer,
        parent,
        `${OPERATION.executeTool} ${event.nodeId}`,
        event.at - event.durationMs,
        {
          [GEN_AI.operationName]: OPERATION.executeTool,
          [GEN_AI.toolName]: event.nodeId,
          [GEN_AI.conversationId]: this.runId,
          'trellis.step': event.step,
        },
      ).span;
      standalone = true;
    }
    span.setAttributes(actionAttributes(event, this.options.content));
    if (!event.ok) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        // The error text quotes what the code touched: content, so only when content is exported.
        ...(this.options.content && event.error ? { message: event.error } : {}),
      });
    }
    if (standalone) span.end(event.at);
  }

  private runFinished(event: RunEventOf<'run.finished'>) {
    for (const span of this.calls.values()) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the run ended before the reply' });
      span.end(event.at);
    }
    this.calls.clear();
    // A node still open when the run errored is where it failed (a model call that failed ends the run at once).
    if (event.status === 'errored') this.node?.span.setStatus({ code: SpanStatusCode.ERROR });
    this.endStep(event.at);
    const root = this.ensureRoot(event.at).span;
    root.setAttributes(runOutcomeAttributes(event));
    if (event.status === 'errored') {
      root.setStatus({ code: SpanStatusCode.ERROR, ...(event.error ? { message: event.error } : {}) });
    }
    root.end(event.at);
  }

  private endNode(at: number) {
    this.node?.span.end(at);
    this.node = null;
  }

  private endStep(at: number) {
    this.endNode(at);
    this.step?.span.end(at);
    this.step = null;
  }
}
