import { type Rect, useReactFlow } from '@xyflow/react';
import { type RefObject, useEffect } from 'react';
import type { CanvasNode, ConditionFlowEdge } from './flowTypes.ts';

/** The part of the flow a viewport of this size shows, in flow coordinates. */
export function visibleRect(
  viewport: { x: number; y: number; zoom: number },
  size: { width: number; height: number },
): Rect {
  return {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: size.width / viewport.zoom,
    height: size.height / viewport.zoom,
  };
}

export function contains(outer: Rect, inner: Rect, slack = 1): boolean {
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}

/**
 * Whether a frame that changed from `before` to `size` should frame the graph again, and in how many ms: when all
 * of it was in view and no longer is. While a document is being framed (`framingLeftMs`: a fit still to come or
 * gliding) the view is on its way to showing the whole graph, but for the old frame: it counts as in view, and is
 * framed again once that fit has ended.
 */
export function refitDelay(frame: {
  bounds: Rect;
  viewport: { x: number; y: number; zoom: number };
  before: { width: number; height: number };
  size: { width: number; height: number };
  framingLeftMs: number;
}): number | null {
  const framing = frame.framingLeftMs > 0;
  const wasInView = framing || contains(visibleRect(frame.viewport, frame.before), frame.bounds);
  const isInView = !framing && contains(visibleRect(frame.viewport, frame.size), frame.bounds);
  return wasInView && !isInView ? 60 + frame.framingLeftMs : null;
}

/**
 * When the canvas's frame changes size (the side panel or a run panel opens or closes, the window is resized),
 * the graph is framed again, but only if all of it was in view before: a reader who panned or zoomed into one
 * part keeps their view.
 */
export function useKeepGraphInView(
  host: RefObject<HTMLElement | null>,
  /** Until when (performance.now()) the whole graph is being framed: a resize meanwhile frames it again after. */
  framingUntil?: RefObject<number>,
): void {
  const flow = useReactFlow<CanvasNode, ConditionFlowEdge>();
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let last = { width: element.clientWidth, height: element.clientHeight };
    let timer: number | null = null;
    const observer = new ResizeObserver(() => {
      const size = { width: element.clientWidth, height: element.clientHeight };
      const before = last;
      last = size;
      if (size.width === before.width && size.height === before.height) return;
      const nodes = flow.getNodes();
      if (nodes.length === 0 || before.width === 0 || before.height === 0) return;
      const delay = refitDelay({
        bounds: flow.getNodesBounds(nodes),
        viewport: flow.getViewport(),
        before,
        size,
        framingLeftMs: Math.max(0, (framingUntil?.current ?? 0) - performance.now()),
      });
      if (delay === null) return;
      if (timer !== null) window.clearTimeout(timer);
      // Not animated: the frame itself changed at once, and a view still gliding would move what the user grabs.
      timer = window.setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.1 }), delay);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [flow, host, framingUntil]);
}
