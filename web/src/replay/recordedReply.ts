import type { RunView } from '../runs/runView.ts';

/** What the agent replied at a step, and the code it proposed (before any corrector changed it). */
export interface RecordedReply {
  text: string;
  code: string;
}

/** The agent's recorded reply at a step; null when the step has no agent reply to edit. */
export function recordedReply(view: RunView, step: number): RecordedReply | null {
  const found = view.steps.find((s) => s.step === step);
  if (!found) return null;
  const call = found.calls.map((id) => view.calls[id]).find((c) => c?.role === 'agent' && c.done);
  if (!call) return null;
  const reviewed = found.corrections.find((c) => c.codeBefore !== '');
  return { text: call.text, code: reviewed?.codeBefore ?? found.actions[0]?.code ?? '' };
}
