import { z } from 'zod';

/** A process of a team deployment that executes runs (or a web server, which runs only the forks it starts). */
export const TeamMember = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** Runs it executes at once; 0 for a web server. */
  concurrency: z.number().int(),
  startedAt: z.string(),
  /** Milliseconds since its last heartbeat, on the database's clock. */
  silentMs: z.number(),
  /** Runs it holds now. */
  running: z.number().int(),
  stoppedAt: z.string().nullable(),
  stopReason: z.string().nullable(),
});
export type TeamMember = z.infer<typeof TeamMember>;

/** Where runs execute and where they are stored: GET /api/team. */
export const TeamStatus = z.object({
  /** `local`: in the web server's own process; `workers`: queued for `trellis worker` processes. */
  execution: z.enum(['local', 'workers']),
  store: z.enum(['sqlite', 'postgres']),
  /** Members that have not stopped, newest first (empty when runs execute locally). */
  members: z.array(TeamMember),
  /** A member silent this long is declared gone and its runs end as interrupted. */
  staleMs: z.number().nullable(),
  /** Run jobs waiting for a worker, and taken by one; null when runs execute locally. */
  queue: z.object({ waiting: z.number().int(), taken: z.number().int() }).nullable(),
});
export type TeamStatus = z.infer<typeof TeamStatus>;
