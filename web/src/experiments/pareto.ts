/** A scaffold's place on the accuracy-against-cost plane. */
export interface CostPoint {
  arm: number;
  label: string;
  /** Mean tokens (prompt and completion) per task. */
  cost: number;
  /** TGC, 0–1. */
  accuracy: number;
}

/** Whether `a` is at least as good as `b` on both axes and better on one (cheaper or more accurate). */
function dominates(a: CostPoint, b: CostPoint): boolean {
  return a.cost <= b.cost && a.accuracy >= b.accuracy && (a.cost < b.cost || a.accuracy > b.accuracy);
}

/**
 * The points no other point beats on both cost and accuracy, cheapest first: the front a line is drawn through.
 * Points that tie exactly are all kept.
 */
export function paretoFront(points: readonly CostPoint[]): CostPoint[] {
  return points
    .filter((p) => !points.some((q) => q !== p && dominates(q, p)))
    .sort((a, b) => a.cost - b.cost || a.accuracy - b.accuracy);
}
