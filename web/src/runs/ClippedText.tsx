import { useMemo } from 'react';
import { type ClipLimits, clipText, TRACE_LIMITS } from './clip.ts';
import { formatChars } from './format.ts';
import { useOpen } from './trace/expansion.tsx';

interface Props {
  /** Identifies the "show all" state, so it survives a row being scrolled away and back. */
  id: string;
  text: string;
  limits?: ClipLimits;
  className?: string;
  /** Shown when the text is empty. */
  placeholder?: string;
  /** Appends a blinking caret while text is still streaming in. */
  streaming?: boolean;
}

/** A payload shown clipped (see clip.ts, the one place that decides how much) with "show all". */
export function ClippedText({ id, text, limits = TRACE_LIMITS, className, placeholder, streaming }: Props) {
  const [showAll, toggle] = useOpen(`all:${id}`);
  const clipped = useMemo(() => clipText(text, limits), [text, limits]);
  const shown = showAll ? text : clipped.text;
  return (
    <div className="clip-box">
      <pre className={className ?? 'payload'}>
        {shown === '' ? <span className="muted">{placeholder ?? (streaming ? '' : '(empty)')}</span> : shown}
        {streaming ? <span className="stream-caret" aria-hidden="true" /> : null}
      </pre>
      {clipped.hidden > 0 ? (
        <button type="button" className="link small show-all" onClick={toggle}>
          {showAll ? 'Show less' : `Show all (${formatChars(clipped.hidden)} more)`}
        </button>
      ) : null}
    </div>
  );
}
