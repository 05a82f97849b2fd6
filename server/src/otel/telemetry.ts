import { defaultTextMapSetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { InferenceEvent, RunEvent } from '@trellis/shared';
import type { OtlpConfig } from '../config.ts';
import type { ChatModel, ModelRequest } from '../engine/model.ts';
import type { RunHub } from '../runs/hub.ts';
import { type RunLinks, RunTrace } from './run-trace.ts';

/** A failed export is reported at most this often: a collector that is down should not flood the log. */
const WARN_EVERY_MS = 60_000;
/** How long a shutdown waits for the last spans to leave. */
const FLUSH_MS = 3_000;

/** The traces URL without anything that could be a credential, for messages. */
function describeUrl(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

/** The OTLP exporter, saying (now and then) when the collector does not take the spans. */
class WarningExporter implements SpanExporter {
  private lastWarning = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly where: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS && Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        console.warn(
          `trellis: exporting ${spans.length} span(s) to ${this.where} failed: ${result.error?.message ?? 'unknown error'}`,
        );
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** A run being traced. `linking` is set while its links are read and its first events wait for them. */
interface TracedRun {
  trace: RunTrace;
  linking: Promise<void> | null;
}

/**
 * Exports runs as OpenTelemetry traces (OTLP over HTTP, GenAI conventions). It subscribes to each run's events
 * rather than instrumenting the engine: the trace is the record, seen as spans. It also gives each model request
 * its call's `traceparent`, so an inference server that exports its own spans (vLLM's `--otlp-traces-endpoint`)
 * nests them under the call.
 */
export class RunTelemetry {
  private readonly provider: TracerProvider;
  private readonly runs = new Map<string, TracedRun>();
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(
    private readonly config: OtlpConfig,
    private readonly links: (runId: string) => Promise<RunLinks>,
    /** Replaces the OTLP exporter (tests). */
    exporter?: SpanExporter,
  ) {
    const otlp = exporter ?? new OTLPTraceExporter({ url: config.endpoint, headers: { ...config.headers } });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new WarningExporter(otlp, describeUrl(config.endpoint)),
          // Many runs at once end many spans between two exports; past the queue's size spans are dropped.
          maxQueueSize: 8192,
        }),
      ],
    });
  }

  /** Turns the run's events into spans as the hub publishes them; call right after the hub opens the run. */
  follow(runId: string, hub: RunHub): void {
    let links: RunLinks = { parentRunId: null, forkStep: null, experimentId: null };
    const runTrace = new RunTrace(this.provider.getTracer('@trellis/server'), runId, {
      content: this.config.content,
      links: () => links,
    });
    const traced: TracedRun = { trace: runTrace, linking: null };
    this.runs.set(runId, traced);
    let stop: (() => void) | null = null;
    let dropped = false;
    const drop = (error: unknown) => {
      // Telemetry never stops a run: its trace is dropped instead.
      console.warn(`trellis: tracing run ${runId} stopped: ${(error as Error).message}`);
      dropped = true;
      stop?.();
      this.runs.delete(runId);
    };
    const apply = (event: RunEvent) => {
      if (dropped) return;
      try {
        runTrace.record(event);
      } catch (error) {
        drop(error);
        return;
      }
      if (event.type === 'run.finished') {
        stop?.();
        this.runs.delete(runId);
      }
    };
    let linked = false;
    let waiting: RunEvent[] = [];
    const record = (event: RunEvent) => {
      if (linked) {
        apply(event);
        return;
      }
      waiting.push(event);
      if (traced.linking !== null) return;
      // The links are read at the run's first event, once whoever started it has recorded them (a fork's parent,
      // an experiment's item); its events wait for them, in order.
      traced.linking = this.links(runId)
        .then((found) => {
          links = found;
        }, drop)
        .then(() => {
          linked = true;
          traced.linking = null;
          const queued = waiting;
          waiting = [];
          for (const event of queued) apply(event);
        });
    };
    stop = hub.follow(runId, 0, record);
  }

  /** The W3C `traceparent` of a model call in flight, or undefined when its run is not traced. */
  traceparent(runId: string, callId: string): string | undefined {
    const spanContext = this.runs.get(runId)?.trace.callContext(callId);
    if (!spanContext) return undefined;
    const carrier: Record<string, string> = {};
    this.propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, defaultTextMapSetter);
    return carrier.traceparent;
  }

  /** The run's model, sending each request with its call's `traceparent`. */
  model(inner: ChatModel): ChatModel {
    return {
      resolve: (endpointId, model) => inner.resolve(endpointId, model),
      stream: (request: ModelRequest) => {
        const linking = request.labels?.runId ? this.runs.get(request.labels.runId)?.linking : null;
        return linking ? this.streamOnceLinked(linking, inner, request) : this.streamTraced(inner, request);
      },
    };
  }

  private streamTraced(inner: ChatModel, request: ModelRequest): AsyncIterable<InferenceEvent> {
    const labels = request.labels;
    const traceparent =
      labels?.runId && labels.callId ? this.traceparent(labels.runId, labels.callId) : undefined;
    return inner.stream(traceparent ? { ...request, labels: { ...labels!, traceparent } } : request);
  }

  /** A call made while its run's first events wait for the links: its span, and so its traceparent, comes after. */
  private async *streamOnceLinked(
    linking: Promise<void>,
    inner: ChatModel,
    request: ModelRequest,
  ): AsyncIterable<InferenceEvent> {
    await linking;
    yield* this.streamTraced(inner, request);
  }

  /** Sends the spans ended so far. */
  flush(timeoutMillis = FLUSH_MS): Promise<void> {
    return this.provider.forceFlush({ timeoutMillis });
  }

  /** Sends what is left and stops exporting. */
  async shutdown(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.provider.shutdown().catch(() => undefined);
  }
}
