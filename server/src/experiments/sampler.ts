import type { ServerSample } from '@trellis/shared';
import { getText, rootOf } from '../inference/probe.ts';
import { metricMean, metricSum, parsePrometheus } from '../inference/prometheus.ts';

export interface SampledEndpoint {
  id: string;
  baseUrl: string;
  apiKey: string | null;
}

export type StoredSample = ServerSample & { source: string | null };

/** vLLM's prefix-cache counters at the previous sample, so each sample reports the hit rate since then. */
interface Counters {
  queries: number;
  hits: number;
}

/**
 * One reading of an inference server's engine metrics (Prometheus `/metrics`): requests running and waiting,
 * KV-cache use, and the prefix-cache hit rate — vLLM's since the previous reading (from its counters), SGLang's
 * own gauge. Null when the server exposes neither vLLM's nor SGLang's metrics.
 */
export function readSample(
  text: string,
  endpointId: string,
  at: number,
  previous: Counters | undefined,
): { sample: StoredSample; counters: Counters | undefined } | null {
  const samples = parsePrometheus(text);
  const has = (prefix: string) => samples.some((s) => s.name.startsWith(prefix));
  if (has('vllm:')) {
    const queries = metricSum(samples, 'vllm:prefix_cache_queries');
    const hits = metricSum(samples, 'vllm:prefix_cache_hits');
    const counters = queries !== null && hits !== null ? { queries, hits } : undefined;
    let hitRate: number | null = null;
    if (counters && previous && counters.queries >= previous.queries) {
      const asked = counters.queries - previous.queries;
      hitRate = asked > 0 ? (counters.hits - previous.hits) / asked : null;
    }
    return {
      sample: {
        at,
        endpointId,
        source: 'vllm',
        requestsRunning: metricSum(samples, 'vllm:num_requests_running'),
        requestsWaiting: metricSum(samples, 'vllm:num_requests_waiting'),
        kvCacheUsage:
          metricMean(samples, 'vllm:kv_cache_usage_perc') ?? metricMean(samples, 'vllm:gpu_cache_usage_perc'),
        prefixCacheHitRate: hitRate,
      },
      counters,
    };
  }
  if (has('sglang:')) {
    return {
      sample: {
        at,
        endpointId,
        source: 'sglang',
        requestsRunning: metricSum(samples, 'sglang:num_running_reqs'),
        requestsWaiting: metricSum(samples, 'sglang:num_queue_reqs'),
        kvCacheUsage: metricMean(samples, 'sglang:token_usage'),
        prefixCacheHitRate: metricMean(samples, 'sglang:cache_hit_rate'),
      },
      counters: undefined,
    };
  }
  return null;
}

/**
 * Samples the inference servers an experiment calls, every `intervalMs`, while it runs. A server without engine
 * metrics (or one that does not answer) is skipped for that tick; sampling never affects the runs.
 */
export class ServerSampler {
  private readonly counters = new Map<string, Counters>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly endpoints: () => Promise<SampledEndpoint[]>,
    private readonly store: (samples: StoredSample[]) => Promise<void>,
    private readonly intervalMs: number,
    private readonly timeoutMs = Math.min(2_000, intervalMs),
  ) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const at = Date.now();
      const readings = await Promise.all(
        (await this.endpoints()).map(async (endpoint) => {
          const result = await getText(
            `${rootOf(endpoint.baseUrl)}/metrics`,
            endpoint.apiKey,
            this.timeoutMs,
          );
          if (!result.ok || result.status !== 200) return null;
          const read = readSample(result.body, endpoint.id, at, this.counters.get(endpoint.id));
          if (read?.counters) this.counters.set(endpoint.id, read.counters);
          return read?.sample ?? null;
        }),
      );
      const samples = readings.filter((s): s is StoredSample => s !== null);
      if (samples.length > 0 && this.timer !== null) await this.store(samples);
    } catch {
      // A sample is best effort: the next tick tries again.
    } finally {
      this.busy = false;
    }
  }
}
