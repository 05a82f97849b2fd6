import { RUN_EVENT_TYPES, type RunEvent } from '@trellis/shared';
import { useEffect, useRef, useState } from 'react';
import { loadRunSnapshot, takePreloadedSnapshot } from '../api/runSnapshot.ts';
import { applyEvent, emptyRunView, foldEvents, type RunView } from './runView.ts';

function eventsUrl(runId: string, after = 0): string {
  const base = `/api/runs/${encodeURIComponent(runId)}/events`;
  return after > 0 ? `${base}?after=${after}` : base;
}

/**
 * Follows a run's events and folds them into a RunView. What is already recorded comes in one JSON request (a
 * finished run of thousands of events opens in one parse, not thousands of stream messages); a run still going
 * is then followed over SSE from the last sequence number. EventSource reconnects on its own with Last-Event-ID,
 * and the fold ignores anything already applied, so nothing is missed or doubled. Changes are published to React
 * at most once per animation frame. A snapshot read ahead of the page (see preloadRunSnapshot) is folded in the
 * first render, so a run opened directly renders once, with its trace.
 */
export function useRunEvents(runId: string | null): {
  view: RunView;
  connected: boolean;
  error: string | null;
} {
  const preloaded = useRef<{ runId: string; view: RunView } | null>(null);
  const [view, setView] = useState<RunView>(() => {
    const events = runId ? takePreloadedSnapshot(runId) : null;
    if (!runId || !events) return emptyRunView();
    preloaded.current = { runId, view: foldEvents(events) };
    return preloaded.current.view;
  });
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const working = useRef<RunView>(emptyRunView());

  useEffect(() => {
    const ready = preloaded.current?.runId === runId ? preloaded.current.view : null;
    preloaded.current = null;
    working.current = ready ?? emptyRunView();
    if (!ready) setView(working.current);
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
      for (const type of RUN_EVENT_TYPES) source.addEventListener(type, onEvent as EventListener);
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
    if (!ready) void load();
    else if (ready.finished === null) follow();

    return () => {
      stopped = true;
      source?.close();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [runId]);

  return { view, connected, error };
}
