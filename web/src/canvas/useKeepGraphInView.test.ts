import { describe, expect, it } from 'vitest';
import { contains, refitDelay, visibleRect } from './useKeepGraphInView.ts';

describe('keeping the graph in view', () => {
  const graph = { x: 40, y: 160, width: 1160, height: 130 };

  it('sees a graph framed in a wide canvas as in view, and the same view in a narrower one as cut off', () => {
    const viewport = { x: 0, y: 0, zoom: 1 };
    expect(contains(visibleRect(viewport, { width: 1300, height: 700 }), graph)).toBe(true);
    expect(contains(visibleRect(viewport, { width: 740, height: 700 }), graph)).toBe(false);
  });

  it('accounts for pan and zoom', () => {
    const zoomedOut = { x: 20, y: 0, zoom: 0.5 };
    expect(visibleRect(zoomedOut, { width: 740, height: 400 })).toEqual({
      x: -40,
      y: -0,
      width: 1480,
      height: 800,
    });
    expect(contains(visibleRect(zoomedOut, { width: 740, height: 400 }), graph)).toBe(true);
    const pannedAway = { x: -600, y: 0, zoom: 1 };
    expect(contains(visibleRect(pannedAway, { width: 1300, height: 700 }), graph)).toBe(false);
  });

  it('frames again when the frame narrows under a graph in view, not when the reader had panned away', () => {
    const frame = { bounds: graph, before: { width: 1300, height: 700 }, size: { width: 740, height: 700 } };
    expect(refitDelay({ ...frame, viewport: { x: 0, y: 0, zoom: 1 }, framingLeftMs: 0 })).toBe(60);
    expect(refitDelay({ ...frame, viewport: { x: -600, y: 0, zoom: 1 }, framingLeftMs: 0 })).toBeNull();
    expect(
      refitDelay({
        ...frame,
        size: { width: 1400, height: 700 },
        viewport: { x: 0, y: 0, zoom: 1 },
        framingLeftMs: 0,
      }),
    ).toBeNull();
  });

  it('frames again after a document fit still under way when the frame changes, whatever the view shows meanwhile', () => {
    // The side panel opens while a newly opened preset is still being framed for the wider canvas: the view is not
    // yet (or no longer) showing the graph, and would end framed for the old width.
    const frame = { bounds: graph, before: { width: 1300, height: 700 }, size: { width: 740, height: 700 } };
    expect(refitDelay({ ...frame, viewport: { x: -600, y: 0, zoom: 1 }, framingLeftMs: 150 })).toBe(210);
    expect(refitDelay({ ...frame, viewport: { x: 0, y: 0, zoom: 0.5 }, framingLeftMs: 150 })).toBe(210);
  });
});
