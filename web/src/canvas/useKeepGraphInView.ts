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
 * When the canvas's frame changes size (the side panel or a run panel opens or closes, the window is resized),
 * the graph is framed again, but only if all of it was in view before: a reader who panned or zoomed into one
 * part keeps their view.
 */
export function useKeepGraphInView(host: RefObject<HTMLElement | null>): void {
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
      const bounds = flow.getNodesBounds(nodes);
      const viewport = flow.getViewport();
      const wasInView = contains(visibleRect(viewport, before), bounds);
      const isInView = contains(visibleRect(viewport, size), bounds);
      if (!wasInView || isInView) return;
      if (timer !== null) window.clearTimeout(timer);
      // Not animated: the frame itself changed at once, and a view still gliding would move what the user grabs.
      timer = window.setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.1 }), 60);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [flow, host]);
}
