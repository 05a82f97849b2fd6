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
import type { RunEvent } from '@trellis/shared';
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

/**
 * Exports runs as OpenTelemetry traces (OTLP over HTTP, GenAI conventions). It subscribes to each run's events
 * rather than instrumenting the engine: the trace is the record, seen as spans. It also gives each model request
 * its call's `traceparent`, so an inference server that exports its own spans (vLLM's `--otlp-traces-endpoint`)
 * nests them under the call.
 */
export class RunTelemetry {
  private readonly provider: TracerProvider;
  private readonly runs = new Map<string, RunTrace>();
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(
    private readonly config: OtlpConfig,
    private readonly links: (runId: string) => RunLinks,
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
    const runTrace = new RunTrace(this.provider.getTracer('@trellis/server'), runId, {
      content: this.config.content,
      links: () => this.links(runId),
    });
    this.runs.set(runId, runTrace);
    let stop: (() => void) | null = null;
    const record = (event: RunEvent) => {
      try {
        runTrace.record(event);
      } catch (error) {
        // Telemetry never stops a run: its trace is dropped instead.
        console.warn(`trellis: tracing run ${runId} stopped: ${(error as Error).message}`);
        stop?.();
        this.runs.delete(runId);
        return;
      }
      if (event.type === 'run.finished') {
        stop?.();
        this.runs.delete(runId);
      }
    };
    stop = hub.follow(runId, 0, record);
  }

  /** The W3C `traceparent` of a model call in flight, or undefined when its run is not traced. */
  traceparent(runId: string, callId: string): string | undefined {
    const spanContext = this.runs.get(runId)?.callContext(callId);
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
        const labels = request.labels;
        const traceparent =
          labels?.runId && labels.callId ? this.traceparent(labels.runId, labels.callId) : undefined;
        return inner.stream(traceparent ? { ...request, labels: { ...labels!, traceparent } } : request);
      },
    };
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
