import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { RunView } from './runView.ts';
import { ActionRow } from './trace/ActionRow.tsx';
import { CallRow } from './trace/CallRow.tsx';
import { CorrectionRow } from './trace/CorrectionRow.tsx';
import { EndRow, StartRow } from './trace/EdgeRows.tsx';
import { ExpansionProvider } from './trace/expansion.tsx';
import { StepHeader } from './trace/StepHeader.tsx';
import { SummaryRow } from './trace/SummaryRow.tsx';
import { stepRowIndex, type TraceRow, traceRows } from './traceRows.ts';
import '../runs.css';

/** Which side-by-side view a trace row asks for. */
export type InspectTab = 'outputs' | 'diff' | 'summary' | 'observation';

interface Props {
  runId: string;
  view: RunView;
  /** The step shown in the side-by-side views, highlighted here. */
  selectedStep?: number | null;
  /** A step the reader picked elsewhere (the timeline): scrolled into view, which stops following. */
  revealStep?: number | null;
  /** Called when a step, or a row's "open" button, is clicked. */
  onSelectStep?: (step: number, tab?: InspectTab) => void;
}

const ESTIMATES: Record<TraceRow['type'], number> = {
  start: 72,
  step: 40,
  call: 220,
  summary: 200,
  correction: 140,
  action: 170,
  end: 48,
};

/** Within this many pixels of the bottom counts as "at the newest step". */
const FOLLOW_SLACK_PX = 48;

interface Handlers {
  select: (step: number) => void;
  openSummary: (step: number) => void;
  openDiff: (step: number) => void;
}

function RowContent({
  row,
  view,
  selectedStep,
  on,
}: {
  row: TraceRow;
  view: RunView;
  selectedStep: number | null;
  on: Handlers;
}) {
  const step = 'step' in row ? view.steps.find((s) => s.step === row.step) : undefined;
  switch (row.type) {
    case 'start':
      return view.started ? <StartRow started={view.started} /> : null;
    case 'end':
      return view.finished ? <EndRow finished={view.finished} /> : null;
    case 'step':
      return step ? (
        <StepHeader step={step} rev={row.rev} selected={selectedStep === row.step} onSelect={on.select} />
      ) : null;
    case 'call': {
      const call = view.calls[row.callId];
      return call ? <CallRow call={call} rev={row.rev} /> : null;
    }
    case 'summary':
      return step?.summary ? <SummaryRow summary={step.summary} onCompare={on.openSummary} /> : null;
    case 'correction': {
      const correction = step?.corrections[row.index];
      return correction ? (
        <CorrectionRow correction={correction} index={row.index} onDiff={on.openDiff} />
      ) : null;
    }
    case 'action': {
      const action = step?.actions[row.index];
      return action ? <ActionRow action={action} index={row.index} /> : null;
    }
  }
}

/**
 * The trace of a run, step by step, following the newest step unless the reader has scrolled up. Virtualised:
 * only the rows in view are mounted, so a run of thousands of events scrolls like a short one. It fills the
 * height of its container.
 */
export function RunTrace({ runId, view, selectedStep = null, revealStep = null, onSelectStep }: Props) {
  const rows = useMemo(() => traceRows(view), [view]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const lastScrollTop = useRef(0);
  const [showJump, setShowJump] = useState(false);
  const on = useMemo<Handlers>(
    () => ({
      select: (step) => onSelectStep?.(step),
      openSummary: (step) => onSelectStep?.(step, 'summary'),
      openDiff: (step) => onSelectStep?.(step, 'diff'),
    }),
    [onSelectStep],
  );

  // While following, rows that grow (streaming text, late measurements) keep the newest line in view. Skipped
  // while the list is scrolling, so a reader's scroll upwards is never snapped back.
  const stickToBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el || !following.current) return;
    el.scrollTop = el.scrollHeight;
    lastScrollTop.current = el.scrollTop;
  }, []);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => ESTIMATES[rows[index]?.type ?? 'call'],
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 4,
    // Scrolling moves rows by writing their transforms; React renders only when the visible range changes.
    directDomUpdates: true,
    onChange: (instance) => {
      if (!instance.isScrolling) stickToBottom();
    },
  });
  const totalSize = virtualizer.getTotalSize();

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
    // Only a move upwards is the reader leaving; content growing below never is.
    if (atBottom) following.current = true;
    else if (el.scrollTop < lastScrollTop.current - 1) following.current = false;
    lastScrollTop.current = el.scrollTop;
    setShowJump(!following.current);
  }, []);

  const jumpToLatest = useCallback(() => {
    following.current = true;
    setShowJump(false);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  // Stay at the bottom as rows arrive, while following.
  useLayoutEffect(() => {
    if (totalSize > 0) stickToBottom();
  }, [totalSize, stickToBottom]);

  // Bring a picked step into view, unless its heading is already on screen.
  useEffect(() => {
    const el = scrollRef.current;
    if (revealStep === null || !el) return;
    const index = stepRowIndex(rowsRef.current, revealStep);
    if (index < 0) return;
    const item = virtualizer.getVirtualItems().find((v) => v.index === index);
    if (item && item.start >= el.scrollTop && item.end <= el.scrollTop + el.clientHeight) return;
    following.current = false;
    setShowJump(true);
    virtualizer.scrollToIndex(index, { align: 'start' });
  }, [revealStep, virtualizer]);

  // A new run starts followed.
  useEffect(() => {
    if (!runId) return;
    following.current = true;
    setShowJump(false);
  }, [runId]);

  const items = virtualizer.getVirtualItems();
  return (
    <ExpansionProvider key={runId}>
      <section className="run-trace" aria-label="Run trace">
        <div className="trace-scroll" ref={scrollRef} onScroll={onScroll} data-testid="trace-scroll">
          {rows.length === 0 ? (
            <p className="muted trace-empty">
              {view.status === 'connecting' ? 'Loading the trace…' : 'Waiting for the first event…'}
            </p>
          ) : null}
          <div className="trace-canvas" ref={virtualizer.containerRef}>
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="trace-row"
                >
                  <RowContent row={row} view={view} selectedStep={selectedStep} on={on} />
                </div>
              );
            })}
          </div>
        </div>
        {showJump ? (
          <button type="button" className="primary small jump-latest" onClick={jumpToLatest}>
            ↓ Follow latest
          </button>
        ) : null}
      </section>
    </ExpansionProvider>
  );
}
