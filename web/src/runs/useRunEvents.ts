import type { RunEvent } from '@trellis/shared';
import { useEffect, useRef, useState } from 'react';
import { loadRunSnapshot } from '../api/runSnapshot.ts';
import { applyEvent, emptyRunView, type RunView } from './runView.ts';

const EVENT_TYPES: RunEvent['type'][] = [
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

function eventsUrl(runId: string, after = 0): string {
  const base = `/api/runs/${encodeURIComponent(runId)}/events`;
  return after > 0 ? `${base}?after=${after}` : base;
}

/**
 * Follows a run's events and folds them into a RunView. What is already recorded comes in one JSON request (a
 * finished run of thousands of events opens in one parse, not thousands of stream messages); a run still going
 * is then followed over SSE from the last sequence number. EventSource reconnects on its own with Last-Event-ID,
 * and the fold ignores anything already applied, so nothing is missed or doubled. Changes are published to React
 * at most once per animation frame.
 */
export function useRunEvents(runId: string | null): {
  view: RunView;
  connected: boolean;
  error: string | null;
} {
  const [view, setView] = useState<RunView>(emptyRunView);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const working = useRef<RunView>(emptyRunView());

  useEffect(() => {
    working.current = emptyRunView();
    setView(working.current);
    setConnected(false);
    setError(null);
    if (!runId) return;
    let stopped = false;
    let source: EventSource | null = null;
    let frame: number | null = null;
    const publish = () => {
      frame = null;
      setView({ ...working.current });
    };
    const schedule = () => {
      frame ??= requestAnimationFrame(publish);
    };

    const follow = () => {
      source = new EventSource(eventsUrl(runId, working.current.lastSeq));
      const onEvent = (message: MessageEvent<string>) => {
        applyEvent(working.current, JSON.parse(message.data) as RunEvent);
        schedule();
      };
      for (const type of EVENT_TYPES) source.addEventListener(type, onEvent as EventListener);
      source.addEventListener('end', () => {
        source?.close();
        setConnected(false);
        if (frame !== null) cancelAnimationFrame(frame);
        publish();
      });
      source.onopen = () => setConnected(true);
      source.onerror = () => setConnected(false);
    };

    const load = async () => {
      try {
        const events = await loadRunSnapshot(runId);
        if (stopped) return;
        for (const event of events) applyEvent(working.current, event);
        publish();
        if (working.current.finished === null) follow();
      } catch (cause) {
        if (stopped) return;
        setError(cause instanceof Error ? cause.message : String(cause));
        // The stream may still work where the snapshot did not (and says why when it does not).
        follow();
      }
    };
    void load();

    return () => {
      stopped = true;
      source?.close();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [runId]);

  return { view, connected, error };
}
