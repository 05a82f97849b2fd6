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
  snapshot(): { event: string; payload: unknown; status: string };
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
  const sendSnapshot = () => {
    const { event, payload, status } = feed.snapshot();
    send(event, payload);
    return status;
  };
  let unsubscribe: (() => void) | null = null;
  const end = () => {
    if (stream.closed) return;
    const status = sendSnapshot();
    send('end', { status });
    stream.end();
  };
  const onUpdate = (update: U) => {
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
  sendSnapshot();
  void feed.jobs.settled(feed.id).then(end);
}
