import { measureElement, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
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
 * Sizes come from the ResizeObserver, which reports every row mounted in a frame in one batch after layout. A
 * row just mounted keeps its estimate until then: measuring it on mount would force a layout per row.
 */
function measureRow(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  instance: Virtualizer<HTMLDivElement, Element>,
): number {
  if (entry) return measureElement(element, entry, instance);
  const index = instance.indexFromElement(element);
  return (
    instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index)
  );
}

/**
 * The trace of a run, step by step, following the newest step unless the reader has scrolled up. Virtualised:
 * only the rows in view are mounted, so a run of thousands of events scrolls like a short one. It fills the
 * height of its container.
 */
export const RunTrace = memo(function RunTrace(props: Props) {
  const rows = useMemo(() => traceRows(props.view), [props.view]);
  return (
    <ExpansionProvider key={props.runId}>
      <section className="run-trace" aria-label="Run trace">
        {rows.length === 0 ? (
          <div className="trace-scroll" data-testid="trace-scroll">
            <p className="muted trace-empty">
              {props.view.status === 'connecting' ? 'Loading the trace…' : 'Waiting for the first event…'}
            </p>
          </div>
        ) : (
          <TraceList {...props} rows={rows} />
        )}
      </section>
    </ExpansionProvider>
  );
});

/** The rows of a trace that has at least one; mounted at its end, where a followed trace starts. */
function TraceList({
  rows,
  view,
  selectedStep = null,
  revealStep = null,
  onSelectStep,
}: Props & { rows: TraceRow[] }) {
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

  // The virtualizer recomputes every row's position when these change, so they change only with the rows.
  const estimateSize = useCallback((index: number) => ESTIMATES[rows[index]?.type ?? 'call'], [rows]);
  const getItemKey = useCallback((index: number) => rows[index]?.key ?? index, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: 4,
    measureElement: measureRow,
    // The first render lays out the rows at the end of the trace, in a viewport of about the window's height, so
    // a big finished run does not render its first rows only to scroll away from them.
    initialRect: { width: 0, height: window.innerHeight },
    initialOffset: () => Math.max(0, estimatedHeight(rowsRef.current) - window.innerHeight),
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

  const items = virtualizer.getVirtualItems();
  return (
    <>
      <div className="trace-scroll" ref={scrollRef} onScroll={onScroll} data-testid="trace-scroll">
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
    </>
  );
}

function estimatedHeight(rows: readonly TraceRow[]): number {
  let height = 0;
  for (const row of rows) height += ESTIMATES[row.type];
  return height;
}
