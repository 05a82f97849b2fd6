import type { FastifyReply } from 'fastify';
import { SseStream } from './sse.ts';

/** Queues one server-sent event. */
export type SendEvent = (name: string, payload: unknown) => void;

/** The service that works on long jobs of one kind. */
export interface FollowedJobs<U> {
  /** Follows a job's updates; null when it is not being worked on here. */
  follow(id: string, listener: (update: U) => void): (() => void) | null;
  /** Resolves once the job is no longer being worked on here. */
  settled(id: string): Promise<void>;
}

/** One job's event stream: where its updates come from and the events it is sent as. */
export interface JobFeed<U> {
  jobs: FollowedJobs<U>;
  id: string;
  /** The job as it stands: the event that shows it (sent first, and again just before `end`) and its status. */
  snapshot(): Promise<{ event: string; payload: unknown; status: string }>;
  /** Sends one update as its events. */
  relay(update: U, send: SendEvent): void;
  /** True for an update that shows the job has ended: the stream ends there, before the job settles here. */
  endsOn?(update: U): boolean;
}

/**
 * A long job (rescue, experiment, search, optimisation) as server-sent events: its snapshot now, its updates as
 * they come, then the snapshot again and `end {status}` once it is no longer worked on here (at once when it is
 * not). The reader is dropped when the server stops.
 */
export function streamJob<U>(reply: FastifyReply, shutdown: AbortSignal, feed: JobFeed<U>): void {
  reply.hijack();
  const stream = new SseStream(reply.raw);
  const send: SendEvent = (name, payload) => stream.event(name, payload);
  const sendSnapshot = async () => {
    const { event, payload, status } = await feed.snapshot();
    send(event, payload);
    return status;
  };
  let unsubscribe: (() => void) | null = null;
  let ending: Promise<void> | null = null;
  const end = () => {
    ending ??= (async () => {
      if (stream.closed) return;
      try {
        const status = await sendSnapshot();
        send('end', { status });
      } catch (error) {
        send('error', { message: `the job could not be read: ${(error as Error).message}` });
      }
      stream.end();
    })();
  };
  // Updates that come while the first snapshot is being read wait for it, so the reader sees them after it.
  let held: U[] | null = [];
  const onUpdate = (update: U) => {
    if (ending) return;
    if (held) {
      held.push(update);
      return;
    }
    feed.relay(update, send);
    if (feed.endsOn?.(update)) end();
  };
  const onShutdown = () => stream.close();
  shutdown.addEventListener('abort', onShutdown, { once: true });
  stream.onClose(() => {
    unsubscribe?.();
    shutdown.removeEventListener('abort', onShutdown);
  });
  unsubscribe = feed.jobs.follow(feed.id, onUpdate);
  if (unsubscribe === null) {
    end();
    return;
  }
  void (async () => {
    try {
      await sendSnapshot();
    } catch (error) {
      send('error', { message: `the job could not be read: ${(error as Error).message}` });
      stream.end();
      return;
    }
    const waiting = held ?? [];
    held = null;
    for (const update of waiting) onUpdate(update);
    void feed.jobs.settled(feed.id).then(end);
  })();
}
