import type { InferenceEvent, PlaygroundRequest, Usage } from '@trellis/shared';
import { useCallback, useReducer, useRef } from 'react';
import { toApiError } from './client.ts';
import { readSse } from './sse.ts';

export interface StreamState {
  status: 'idle' | 'connecting' | 'streaming' | 'done' | 'stopped' | 'error';
  model: string | null;
  text: string;
  reasoning: string;
  usage: Usage | null;
  finishReason: string | null;
  ttftMs: number | null;
  latencyMs: number | null;
  /** Completion tokens per second after the first token. */
  tokensPerSecond: number | null;
  tokensSeen: number;
  startedAt: number | null;
  firstTokenAt: number | null;
  error: { code: string; message: string } | null;
}

const initial: StreamState = {
  status: 'idle',
  model: null,
  text: '',
  reasoning: '',
  usage: null,
  finishReason: null,
  ttftMs: null,
  latencyMs: null,
  tokensPerSecond: null,
  tokensSeen: 0,
  startedAt: null,
  firstTokenAt: null,
  error: null,
};

type Action =
  | { type: 'begin'; at: number }
  | { type: 'event'; event: InferenceEvent; at: number }
  | { type: 'stopped' }
  | { type: 'failed'; code: string; message: string };

function reduce(state: StreamState, action: Action): StreamState {
  switch (action.type) {
    case 'begin':
      return { ...initial, status: 'connecting', startedAt: action.at };
    case 'stopped':
      return state.status === 'connecting' || state.status === 'streaming'
        ? { ...state, status: 'stopped' }
        : state;
    case 'failed':
      return { ...state, status: 'error', error: { code: action.code, message: action.message } };
    case 'event': {
      const event = action.event;
      const firstTokenAt =
        state.firstTokenAt ?? (event.type === 'delta' || event.type === 'reasoning' ? action.at : null);
      const live = {
        ...state,
        firstTokenAt,
        ttftMs:
          state.ttftMs ??
          (firstTokenAt !== null && state.startedAt !== null ? firstTokenAt - state.startedAt : null),
      };
      switch (event.type) {
        case 'start':
          return { ...live, status: 'streaming', model: event.model ?? null };
        case 'delta':
          return { ...live, text: state.text + event.text, tokensSeen: state.tokensSeen + 1 };
        case 'reasoning':
          return { ...live, reasoning: state.reasoning + event.text, tokensSeen: state.tokensSeen + 1 };
        case 'usage':
          return { ...live, usage: event.usage };
        case 'timings':
          return live;
        case 'done': {
          const tokens = state.usage?.completionTokens ?? event.completionTokens;
          const genMs = event.ttftMs !== null ? event.latencyMs - event.ttftMs : null;
          return {
            ...live,
            status: 'done',
            finishReason: event.finishReason,
            ttftMs: event.ttftMs ?? live.ttftMs,
            latencyMs: event.latencyMs,
            tokensPerSecond: genMs && genMs > 0 && tokens > 1 ? ((tokens - 1) * 1000) / genMs : null,
          };
        }
        case 'error':
          return {
            ...live,
            status: 'error',
            error: { code: event.error.code, message: event.error.message },
          };
      }
    }
  }
}

/** Streams a playground completion; `stop()` aborts the request, which aborts the upstream generation. */
export function usePlaygroundStream() {
  const [state, dispatch] = useReducer(reduce, initial);
  const controller = useRef<AbortController | null>(null);

  const start = useCallback(async (request: PlaygroundRequest) => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    dispatch({ type: 'begin', at: performance.now() });
    try {
      const response = await fetch('/api/playground/stream', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(request),
        signal: abort.signal,
      });
      if (!response.ok || !response.body) {
        const error = await toApiError(response);
        dispatch({ type: 'failed', code: error.code, message: error.message });
        return;
      }
      for await (const message of readSse(response.body)) {
        const event = JSON.parse(message.data) as InferenceEvent;
        dispatch({ type: 'event', event, at: performance.now() });
      }
    } catch (error) {
      if (abort.signal.aborted) {
        dispatch({ type: 'stopped' });
        return;
      }
      dispatch({
        type: 'failed',
        code: 'network',
        message: `lost the connection to Trellis: ${String(error)}`,
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  }, []);

  const stop = useCallback(() => {
    controller.current?.abort();
    dispatch({ type: 'stopped' });
  }, []);

  return { state, start, stop };
}
