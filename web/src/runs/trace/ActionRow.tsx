import type { RunEventOf } from '@trellis/shared';
import { memo } from 'react';
import { kindStyle } from '../../kindStyle.ts';
import { ClippedText } from '../ClippedText.tsx';
import { CODE_LIMITS } from '../clip.ts';
import { formatMs } from '../format.ts';
import { RoleTag } from '../StatusBadge.tsx';

type Action = RunEventOf<'action.executed'>;

/** The executor ran the code: what ran, what came back or what broke, and which APIs it called. */
export const ActionRow = memo(function ActionRow({ action, index }: { action: Action; index: number }) {
  const id = `${action.step}:${index}`;
  return (
    <article
      className={`trace-item trace-action${action.ok ? '' : ' is-error'}`}
      style={kindStyle('executor')}
      aria-label="Action"
    >
      <header className="trace-item-head">
        <RoleTag kind="executor" />
        <span className={`tpill ${action.ok ? 'tpill-ok' : 'tpill-bad'}`}>{action.ok ? 'ok' : 'error'}</span>
        {action.completed ? <span className="tpill tpill-ok">task completed</span> : null}
        <span className="metrics-inline">
          <span>{formatMs(action.durationMs)}</span>
          <span>
            {action.apiCalls.length} API call{action.apiCalls.length === 1 ? '' : 's'}
          </span>
        </span>
      </header>
      {action.code ? (
        <ClippedText
          id={`code:${id}`}
          text={action.code}
          limits={CODE_LIMITS}
          className="payload code-text"
        />
      ) : null}
      {action.apiCalls.length > 0 ? (
        <p className="api-calls small">
          {action.apiCalls.map((call, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: recorded calls never reorder
            <code key={i} className={call.status >= 400 ? 'api-bad' : undefined}>
              {call.app}.{call.api} {call.status}
            </code>
          ))}
        </p>
      ) : null}
      {action.error ? <p className="trace-error">{action.error}</p> : null}
      <ClippedText
        id={`obs:${id}`}
        text={action.observation}
        className={action.ok ? 'payload obs-text' : 'payload obs-text is-error'}
        placeholder="(no output)"
      />
    </article>
  );
});
