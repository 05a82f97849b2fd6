import { describe, expect, it } from 'vitest';
import { contains, visibleRect } from './useKeepGraphInView.ts';

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
});
