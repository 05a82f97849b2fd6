import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** An attribute value as OTLP/JSON writes it. */
export type OtlpValue =
  | { stringValue: string }
  | { intValue: string | number }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values?: OtlpValue[] } };

export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/** A span as OTLP/JSON writes it (ids in hex). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
  status?: { code?: number; message?: string };
  [field: string]: unknown;
}

export interface OtlpExport {
  resourceSpans: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans: { scope?: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

export interface ReceivedExport {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body as it arrived. */
  text: string;
  body: OtlpExport;
}

/** A stand-in for an OpenTelemetry collector: takes OTLP/JSON trace exports over HTTP and keeps them. */
export interface Collector {
  /** The traces URL, `/v1/traces` included. */
  url: string;
  exports(): ReceivedExport[];
  /** Every span received so far, in arrival order. */
  spans(): OtlpSpan[];
  reset(): void;
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  let received: ReceivedExport[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.headers['content-type'] !== 'application/json') {
        res.writeHead(415).end();
        return;
      }
      received.push({
        path: req.url ?? '/',
        headers: req.headers,
        text,
        body: JSON.parse(text) as OtlpExport,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    exports: () => received,
    spans: () =>
      received.flatMap((e) => e.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    reset: () => {
      received = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A collector for one `describe` block, started before its other hooks (call it first). */
export function useCollector(): Collector {
  let current: Collector | null = null;
  beforeAll(async () => {
    current = await startCollector();
  });
  afterAll(() => current?.close());
  return new Proxy({} as Collector, {
    get(_target, property) {
      if (current === null) throw new Error('the collector is used before its suite started');
      return Reflect.get(current, property, current);
    },
  });
}

/** An attribute's value as a plain JS value (64-bit integers arrive as strings in OTLP/JSON). */
export function attributeValue(value: OtlpValue): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  return (value.arrayValue.values ?? []).map(attributeValue);
}

/** A span's attributes as a plain object. */
export function attributesOf(span: { attributes?: OtlpAttribute[] }): Record<string, unknown> {
  return Object.fromEntries((span.attributes ?? []).map((a) => [a.key, attributeValue(a.value)]));
}
