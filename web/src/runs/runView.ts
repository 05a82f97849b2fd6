import type {
  ChatMessage,
  Evaluation,
  RunEvent,
  RunEventOf,
  RunStatus,
  RunTotals,
  Usage,
} from '@trellis/shared';

/** One model call as the views show it, filled in as its events arrive. */
export interface CallView {
  callId: string;
  step: number;
  nodeId: string;
  role: string;
  endpointId: string;
  model: string;
  messages: ChatMessage[];
  params: Record<string, unknown>;
  text: string;
  reasoning: string;
  usage: Usage | null;
  ttftMs: number | null;
  latencyMs: number | null;
  finishReason: string | null;
  error: string | null;
  done: boolean;
  at: number;
}

export interface NodeVisit {
  nodeId: string;
  kind: string;
  outcome: 'running' | 'ran' | 'skipped' | 'failed';
  reason: string | null;
  startedAt: number;
  durationMs: number | null;
}

export interface StepView {
  step: number;
  startedAt: number;
  visits: NodeVisit[];
  calls: string[];
  summary: RunEventOf<'summary.applied'> | null;
  corrections: RunEventOf<'correction'>[];
  actions: RunEventOf<'action.executed'>[];
}

export interface RunView {
  started: RunEventOf<'run.started'> | null;
  steps: StepView[];
  calls: Record<string, CallView>;
  activeNodeId: string | null;
  status: RunStatus | 'connecting';
  finished: {
    status: RunStatus;
    evaluation: Evaluation | null;
    totals: RunTotals;
    error: string | null;
  } | null;
  lastSeq: number;
  eventCount: number;
}

export function emptyRunView(): RunView {
  return {
    started: null,
    steps: [],
    calls: {},
    activeNodeId: null,
    status: 'connecting',
    finished: null,
    lastSeq: 0,
    eventCount: 0,
  };
}

function stepOf(view: RunView, step: number, at: number): StepView {
  let current = view.steps[view.steps.length - 1];
  if (!current || current.step !== step) {
    current = view.steps.find((s) => s.step === step);
    if (!current) {
      current = { step, startedAt: at, visits: [], calls: [], summary: null, corrections: [], actions: [] };
      view.steps.push(current);
    }
  }
  return current;
}

/**
 * Folds one event into the view, in place (the hook copies the top level per batch so React sees a change).
 * Events at or below the last applied sequence number are ignored, so a replay after a reconnect is harmless.
 */
export function applyEvent(view: RunView, event: RunEvent): void {
  if (event.seq <= view.lastSeq) return;
  view.lastSeq = event.seq;
  view.eventCount++;
  switch (event.type) {
    case 'run.started':
      view.started = event;
      view.status = 'running';
      break;
    case 'step.started':
      stepOf(view, event.step, event.at);
      break;
    case 'node.started':
      view.activeNodeId = event.nodeId;
      stepOf(view, event.step, event.at).visits.push({
        nodeId: event.nodeId,
        kind: event.kind,
        outcome: 'running',
        reason: null,
        startedAt: event.at,
        durationMs: null,
      });
      break;
    case 'node.finished': {
      const visits = stepOf(view, event.step, event.at).visits;
      const visit = [...visits].reverse().find((v) => v.nodeId === event.nodeId && v.outcome === 'running');
      if (visit) {
        visit.outcome = event.outcome;
        visit.reason = event.reason ?? null;
        visit.durationMs = event.durationMs;
      }
      break;
    }
    case 'llm.request':
      view.calls[event.callId] = {
        callId: event.callId,
        step: event.step,
        nodeId: event.nodeId,
        role: event.role,
        endpointId: event.endpointId,
        model: event.model,
        messages: event.messages,
        params: event.params as Record<string, unknown>,
        text: '',
        reasoning: '',
        usage: null,
        ttftMs: null,
        latencyMs: null,
        finishReason: null,
        error: null,
        done: false,
        at: event.at,
      };
      stepOf(view, event.step, event.at).calls.push(event.callId);
      break;
    case 'llm.delta': {
      const call = view.calls[event.callId];
      if (call) {
        call.text += event.text;
        call.reasoning += event.reasoning;
      }
      break;
    }
    case 'llm.response': {
      const call = view.calls[event.callId];
      if (call) {
        call.text = event.text;
        call.reasoning = event.reasoning;
        call.usage = event.usage;
        call.ttftMs = event.ttftMs;
        call.latencyMs = event.latencyMs;
        call.finishReason = event.finishReason;
        call.error = event.error?.message ?? null;
        call.done = true;
      }
      break;
    }
    case 'summary.applied':
      stepOf(view, event.step, event.at).summary = event;
      break;
    case 'correction':
      stepOf(view, event.step, event.at).corrections.push(event);
      break;
    case 'action.executed':
      stepOf(view, event.step, event.at).actions.push(event);
      break;
    case 'run.finished':
      view.finished = {
        status: event.status,
        evaluation: event.evaluation,
        totals: event.totals,
        error: event.error,
      };
      view.status = event.status;
      view.activeNodeId = null;
      break;
  }
}
