import { useQuery } from '@tanstack/react-query';
import type { ChatMessage, RunEventOf } from '@trellis/shared';
import { memo } from 'react';
import { kindStyle } from '../../kindStyle.ts';
import { ClippedText } from '../ClippedText.tsx';
import { formatChars, formatMs, formatTokens } from '../format.ts';
import type { CallView } from '../runView.ts';
import { RoleTag } from '../StatusBadge.tsx';
import { Disclosure } from './Disclosure.tsx';

function Metrics({ call }: { call: CallView }) {
  if (!call.done) {
    return (
      <span className="metrics-inline" data-testid="call-streaming">
        streaming… {formatChars(call.text.length + call.reasoning.length)}
      </span>
    );
  }
  return (
    <span className="metrics-inline">
      <span title="Time to first token">TTFT {formatMs(call.ttftMs)}</span>
      <span title="Latency">{formatMs(call.latencyMs)}</span>
      <span title="Prompt tokens → completion tokens">
        {formatTokens(call.usage?.promptTokens)} → {formatTokens(call.usage?.completionTokens)} tok
      </span>
      {call.finishReason ? <span title="Finish reason">{call.finishReason}</span> : null}
    </span>
  );
}

/** What an empty output says: nothing came, the model is still reasoning, or no token has arrived yet. */
export function waitingText(call: CallView): string {
  if (call.done) return '(no output)';
  return call.reasoning ? 'reasoning… ' : 'waiting for the first token… ';
}

function Messages({ callId, messages }: { callId: string; messages: ChatMessage[] }) {
  return (
    <ol className="prompt-messages">
      {messages.map((message, i) => (
        // Messages of a recorded request never change order.
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is immutable
        <li key={i} className={`prompt-message prompt-${message.role}`}>
          <span className="prompt-role">{message.role}</span>
          <ClippedText id={`msg:${callId}:${i}`} text={message.content} />
        </li>
      ))}
    </ol>
  );
}

/** Messages a compact snapshot left out, fetched when the prompt is opened. */
function FetchedMessages({ call }: { call: CallView }) {
  const request = useQuery({
    queryKey: ['run-event', call.runId, call.requestSeq],
    queryFn: async () => {
      const response = await fetch(`/api/runs/${encodeURIComponent(call.runId)}/events/${call.requestSeq}`);
      if (!response.ok) throw new Error(`the prompt could not be loaded (HTTP ${response.status})`);
      return (await response.json()) as RunEventOf<'llm.request'>;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (request.error) return <p className="muted small">{request.error.message}</p>;
  if (!request.data) return <p className="muted small">Loading the prompt…</p>;
  return <Messages callId={call.callId} messages={request.data.messages} />;
}

function Prompt({ call }: { call: CallView }) {
  const count = call.omitted?.messages ?? call.messages.length;
  const chars = call.omitted?.chars ?? call.messages.reduce((n, m) => n + m.content.length, 0);
  return (
    <Disclosure
      id={`prompt:${call.callId}`}
      label="Prompt"
      meta={`${count} messages · ${formatChars(chars)}`}
    >
      {() =>
        call.omitted ? (
          <FetchedMessages call={call} />
        ) : (
          <Messages callId={call.callId} messages={call.messages} />
        )
      }
    </Disclosure>
  );
}

/** One model call: who asked which model, the exact prompt, the reasoning, the output as it streams, timings. */
export const CallRow = memo(function CallRow({ call }: { call: CallView; rev: number }) {
  return (
    <article className="trace-item trace-call" style={kindStyle(call.role)} aria-label={`${call.role} call`}>
      <header className="trace-item-head">
        <RoleTag kind={call.role} />
        {call.nodeId !== call.role ? <code className="muted">{call.nodeId}</code> : null}
        <span className="muted small call-model">{call.model}</span>
        <Metrics call={call} />
      </header>
      <Prompt call={call} />
      {call.reasoning !== '' ? (
        <Disclosure
          id={`reasoning:${call.callId}`}
          label="Reasoning"
          meta={formatChars(call.reasoning.length)}
        >
          {() => (
            <ClippedText
              id={`reasoning:${call.callId}`}
              text={call.reasoning}
              className="payload think-text"
            />
          )}
        </Disclosure>
      ) : null}
      <ClippedText
        id={`out:${call.callId}`}
        text={call.text}
        className="payload llm-output"
        placeholder={waitingText(call)}
        streaming={!call.done}
      />
      {call.error ? <p className="trace-error">{call.error}</p> : null}
    </article>
  );
});
