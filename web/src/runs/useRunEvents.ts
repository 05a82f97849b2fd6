import type { RunEvent } from '@trellis/shared';
import { useEffect, useRef, useState } from 'react';
import { applyEvent, emptyRunView, type RunView } from './runView.ts';

/**
 * Follows a run's event stream (live or finished: the same SSE endpoint) and folds it into a RunView. Events are
 * applied as they come and published to React at most once per animation frame. EventSource reconnects on its
 * own with Last-Event-ID, and the fold ignores anything already applied, so nothing is missed or doubled.
 */
export function useRunEvents(runId: string | null): { view: RunView; connected: boolean } {
  const [view, setView] = useState<RunView>(emptyRunView);
  const [connected, setConnected] = useState(false);
  const working = useRef<RunView>(emptyRunView());

  useEffect(() => {
    working.current = emptyRunView();
    setView(working.current);
    if (!runId) return;
    let frame: number | null = null;
    const publish = () => {
      frame = null;
      setView({ ...working.current });
    };
    const schedule = () => {
      frame ??= requestAnimationFrame(publish);
    };
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    const onEvent = (message: MessageEvent<string>) => {
      applyEvent(working.current, JSON.parse(message.data) as RunEvent);
      schedule();
    };
    const types: RunEvent['type'][] = [
      'run.started',
      'step.started',
      'node.started',
      'node.finished',
      'llm.request',
      'llm.delta',
      'llm.response',
      'summary.applied',
      'correction',
      'action.executed',
      'run.finished',
    ];
    for (const type of types) source.addEventListener(type, onEvent as EventListener);
    source.addEventListener('end', () => {
      source.close();
      setConnected(false);
      if (frame !== null) cancelAnimationFrame(frame);
      publish();
    });
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    return () => {
      source.close();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [runId]);

  return { view, connected };
}
