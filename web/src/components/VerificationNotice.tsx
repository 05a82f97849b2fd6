import type { EndpointVerification, VerificationCheck } from '@trellis/shared';
import { useEffect, useRef } from 'react';
import { TestDoubleTag, testDoubleOf } from './TestDoubleNotice.tsx';

/** What saving an endpoint answered, kept to tell the user what was checked. */
export interface SaveOutcome {
  endpointId: string;
  /** Whether the form asked for the connection to be checked before saving. */
  verifyRequested: boolean;
  /** Null when nothing was checked: not asked for, or an edit that left the connection as it was. */
  verification: EndpointVerification | null;
}

const SUBJECT: Record<VerificationCheck['subject'], string> = {
  server: 'Server',
  model: 'Model',
  api_key: 'API key',
};

interface Summary {
  title: string;
  /** A sentence for a save that checked nothing. */
  note: string | null;
  /** `ok`: everything checked passed; `partial`: something was not checked; `unchanged`: nothing to check. */
  tone: 'ok' | 'partial' | 'unchanged';
}

export function describeOutcome(outcome: SaveOutcome): Summary {
  const { verification } = outcome;
  if (verification) {
    const unchecked = verification.checks.filter((check) => check.result === 'unchecked').length;
    return unchecked === 0
      ? { title: 'Saved after checking the connection', note: null, tone: 'ok' }
      : {
          title: `Saved; ${unchecked} of ${verification.checks.length} could not be checked`,
          note: null,
          tone: 'partial',
        };
  }
  return outcome.verifyRequested
    ? {
        title: 'Saved; connection unchanged',
        note: 'The base URL, API key and default model did not change, so nothing was checked again.',
        tone: 'unchanged',
      }
    : {
        title: 'Saved without checking the connection',
        note: '“Check the connection before saving” was off: the server, the model and the API key were not checked.',
        tone: 'partial',
      };
}

function CheckRow({ check }: { check: VerificationCheck }) {
  const passed = check.result === 'passed';
  return (
    <li className={`verification-check verification-check-${check.result}`}>
      <span className="verification-mark" role="img" aria-label={passed ? 'passed' : 'not checked'}>
        {passed ? '✓' : '!'}
      </span>
      <div className="verification-text">
        <span className="verification-subject">
          {SUBJECT[check.subject]}
          {passed ? null : <span className="verification-not-checked"> — not checked</span>}
        </span>
        <span className="verification-detail">{check.detail}</span>
      </div>
    </li>
  );
}

/** Says, beside an endpoint just saved, what was checked before saving and what could not be. */
export function VerificationNotice({
  name,
  outcome,
  onDismiss,
}: {
  name: string;
  outcome: SaveOutcome;
  onDismiss: () => void;
}) {
  const ref = useRef<HTMLElement>(null);
  // A new endpoint lands at the end of the list, possibly below the fold.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const { title, note, tone } = describeOutcome(outcome);
  const checks = outcome.verification?.checks ?? [];
  return (
    <section
      ref={ref}
      className={`verification verification-${tone}`}
      role="status"
      aria-label={`Checks for ${name}`}
    >
      <header className="verification-head">
        <div className="verification-title">
          <strong>{title}</strong>
          <TestDoubleTag kind={testDoubleOf(outcome.verification?.models)} />
        </div>
        <button type="button" className="ghost small" onClick={onDismiss}>
          Dismiss
        </button>
      </header>
      {note ? <p className="verification-note">{note}</p> : null}
      {checks.length > 0 ? (
        <ul className="verification-checks" aria-label="Checks">
          {checks.map((check) => (
            <CheckRow key={check.subject} check={check} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
