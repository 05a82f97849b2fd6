import type { OtlpAttribute, OtlpExport, OtlpSpan } from './collector.ts';

/** A span with its depth, in the order a reader walks the tree: children after their parent, by start time. */
export interface TreeSpan {
  span: OtlpSpan;
  depth: number;
}

/** One trace's spans as a tree walked depth-first from its root (the span with no parent). */
export function spanTree(spans: readonly OtlpSpan[]): TreeSpan[] {
  const children = new Map<string, OtlpSpan[]>();
  for (const span of spans) {
    const key = span.parentSpanId ?? '';
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const order = (a: OtlpSpan, b: OtlpSpan) => {
    const delta = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
    return delta < 0n ? -1 : delta > 0n ? 1 : 0;
  };
  const walk = (parent: string, depth: number): TreeSpan[] =>
    (children.get(parent) ?? [])
      .sort(order)
      .flatMap((span) => [{ span, depth }, ...walk(span.spanId, depth + 1)]);
  return walk('', 0);
}

/** Attribute values that differ from one export of the same run to the next. */
const VARYING: Record<string, string> = {
  'gen_ai.conversation.id': '<run id>',
  'trellis.call.id': '<call id>',
  'trellis.graph.version_id': '<graph version id>',
  'server.port': '<port>',
  'gen_ai.response.time_to_first_chunk': '<seconds>',
  'telemetry.sdk.version': '<sdk version>',
};

function stableAttributes(attributes: OtlpAttribute[] | undefined): OtlpAttribute[] {
  return (attributes ?? []).map((a) =>
    a.key in VARYING ? { key: a.key, value: { stringValue: VARYING[a.key]! } } : a,
  );
}

/**
 * One run's export with what varies between runs replaced by placeholders: ids numbered in tree order, times
 * gone, run and call ids, ports and latencies named. Spans are in tree order, whatever batches they came in.
 */
export function normalisedExport(exports: readonly OtlpExport[], runId: string): unknown {
  const resourceSpans = exports.flatMap((e) => e.resourceSpans);
  const spans = resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const root = spans.find(
    (s) =>
      !s.parentSpanId &&
      s.attributes?.some(
        (a) =>
          a.key === 'gen_ai.conversation.id' && 'stringValue' in a.value && a.value.stringValue === runId,
      ),
  );
  if (!root) throw new Error(`no trace for ${runId} in the export`);
  const tree = spanTree(spans.filter((s) => s.traceId === root.traceId));
  const ids = new Map(tree.map(({ span }, i) => [span.spanId, `<span ${i + 1}>`]));
  const scope = resourceSpans[0]?.scopeSpans[0]?.scope;
  return {
    resource: { attributes: stableAttributes(resourceSpans[0]?.resource?.attributes) },
    scope,
    spans: tree.map(({ span }) => {
      const {
        traceId: _trace,
        spanId,
        parentSpanId,
        startTimeUnixNano: _start,
        endTimeUnixNano: _end,
        ...rest
      } = span;
      return {
        spanId: ids.get(spanId),
        ...(parentSpanId ? { parentSpanId: ids.get(parentSpanId) } : {}),
        ...rest,
        attributes: stableAttributes(span.attributes),
      };
    }),
  };
}
