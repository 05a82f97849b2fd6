import {
  addCall,
  type ChargedTokens,
  type ChatMessage,
  chargeCall,
  type Evaluation,
  emptyRoleTotals,
  promptChars,
  type RoleTotals,
  type RunEvent,
  type RunEventOf,
  type RunStatus,
  type RunTotals,
  type Usage,
} from '@trellis/shared';

/** One model call as the views show it, filled in as its events arrive. */
export interface CallView {
  callId: string;
  runId: string;
  /** Sequence number of the `llm.request`, to fetch its messages when a compact snapshot left them out. */
  requestSeq: number;
  /** Set when the messages were left out of the snapshot. */
  omitted: { messages: number; chars: number } | null;
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
  /** When the first streamed fragment arrived (event time), before the response reports its own TTFT. */
  firstDeltaAt: number | null;
  /** Bumped on every change, so memoised rows can tell a call that grew from one that did not. */
  rev: number;
}

export interface NodeVisit {
  nodeId: string;
  kind: string;
  outcome: 'running' | 'ran' | 'skipped' | 'failed';
  reason: string | null;
  startedAt: number;
  durationMs: number | null;
}

/** What happened in a step, in the order it happened; the trace renders one row per item. */
export type StepItem =
  | { type: 'call'; callId: string }
  | { type: 'summary' }
  | { type: 'correction'; index: number }
  | { type: 'action'; index: number };

export interface StepView {
  step: number;
  startedAt: number;
  /** Time of the latest event in this step. */
  endedAt: number;
  visits: NodeVisit[];
  calls: string[];
  summary: RunEventOf<'summary.applied'> | null;
  corrections: RunEventOf<'correction'>[];
  actions: RunEventOf<'action.executed'>[];
  items: StepItem[];
  /** Bumped on every change to the step or one of its calls. */
  rev: number;
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
  /** Per-role totals: the sums of the tokens the responses seen so far were charged. */
  liveTotals: Record<string, RoleTotals>;
  /** Time of the first and the latest event. */
  firstAt: number | null;
  lastAt: number | null;
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
    liveTotals: {},
    firstAt: null,
    lastAt: null,
  };
}

function stepOf(view: RunView, step: number, at: number): StepView {
  const last = view.steps[view.steps.length - 1];
  let current = last?.step === step ? last : view.steps.find((s) => s.step === step);
  if (!current) {
    current = {
      step,
      startedAt: at,
      endedAt: at,
      visits: [],
      calls: [],
      summary: null,
      corrections: [],
      actions: [],
      items: [],
      rev: 0,
    };
    // Steps arrive in order; keep the list sorted even if one does not.
    if (!last || last.step < step) view.steps.push(current);
    else
      view.steps.splice(
        view.steps.findIndex((s) => s.step > step),
        0,
        current,
      );
  }
  current.rev++;
  if (at > current.endedAt) current.endedAt = at;
  return current;
}

/**
 * The tokens a call was charged, as its response records them. Traces recorded before responses carried them
 * get the run contract's rule applied to what the trace holds.
 */
function chargedOf(call: CallView, recorded: ChargedTokens | undefined): ChargedTokens {
  return (
    recorded ??
    chargeCall({
      usage: call.usage,
      promptChars: call.omitted?.chars ?? promptChars(call.messages),
      outputChars: call.text.length + call.reasoning.length,
    })
  );
}

function addToTotals(view: RunView, call: CallView, charged: ChargedTokens): void {
  view.liveTotals[call.role] = addCall(
    view.liveTotals[call.role] ?? emptyRoleTotals(),
    charged,
    call.latencyMs ?? 0,
  );
}

/**
 * Folds one event into the view, in place (the hook copies the top level per batch so React sees a change).
 * Events at or below the last applied sequence number are ignored, so a replay after a reconnect is harmless.
 */
export function applyEvent(view: RunView, event: RunEvent): void {
  if (event.seq <= view.lastSeq) return;
  view.lastSeq = event.seq;
  view.eventCount++;
  view.firstAt ??= event.at;
  view.lastAt = event.at;
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
      const visit = visits.findLast((v) => v.nodeId === event.nodeId && v.outcome === 'running');
      if (visit) {
        visit.outcome = event.outcome;
        visit.reason = event.reason ?? null;
        visit.durationMs = event.durationMs;
      }
      break;
    }
    case 'llm.request': {
      view.calls[event.callId] = {
        callId: event.callId,
        runId: event.runId,
        requestSeq: event.seq,
        omitted: event.omitted ?? null,
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
        firstDeltaAt: null,
        rev: 0,
      };
      const step = stepOf(view, event.step, event.at);
      step.calls.push(event.callId);
      step.items.push({ type: 'call', callId: event.callId });
      break;
    }
    case 'llm.delta': {
      const call = view.calls[event.callId];
      if (call && !call.done) {
        call.text += event.text;
        call.reasoning += event.reasoning;
        call.firstDeltaAt ??= event.at;
        call.rev++;
        stepOf(view, call.step, event.at);
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
        call.rev++;
        stepOf(view, call.step, event.at);
        addToTotals(view, call, chargedOf(call, event.charged));
      }
      break;
    }
    case 'summary.applied': {
      const step = stepOf(view, event.step, event.at);
      if (step.summary === null) step.items.push({ type: 'summary' });
      step.summary = event;
      break;
    }
    case 'correction': {
      const step = stepOf(view, event.step, event.at);
      step.items.push({ type: 'correction', index: step.corrections.length });
      step.corrections.push(event);
      break;
    }
    case 'action.executed': {
      const step = stepOf(view, event.step, event.at);
      step.items.push({ type: 'action', index: step.actions.length });
      step.actions.push(event);
      break;
    }
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

/** Folds a whole list of events into a fresh view. */
export function foldEvents(events: readonly RunEvent[]): RunView {
  const view = emptyRunView();
  for (const event of events) applyEvent(view, event);
  return view;
}
