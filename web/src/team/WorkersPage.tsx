import type { TeamMember, TeamStatus } from '@trellis/shared';
import { useTeamStatus } from '../api/team.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { formatWhen } from '../runs/format.ts';
import '../runs.css';
import './team.css';

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function MemberRow({ member, staleMs }: { member: TeamMember; staleMs: number | null }) {
  const late = staleMs !== null && member.silentMs > staleMs / 2;
  return (
    <tr>
      <td>
        <span className={`member-state ${late ? 'member-late' : 'member-alive'}`}>
          {late ? 'late' : 'alive'}
        </span>
      </td>
      <td>
        <strong>{member.name}</strong> <span className="muted small">{member.id}</span>
      </td>
      <td className="muted">
        {member.host} · pid {member.pid}
      </td>
      <td className="num">
        {member.concurrency === 0 ? <span className="muted">web</span> : member.concurrency}
      </td>
      <td className="num">{member.running}</td>
      <td className="num">{seconds(member.silentMs)}</td>
      <td className="muted small">{formatWhen(member.startedAt)}</td>
    </tr>
  );
}

function Summary({ status }: { status: TeamStatus }) {
  if (status.execution === 'local') {
    return (
      <p className="card team-summary">
        Runs execute in this server's own process, on its{' '}
        {status.store === 'postgres' ? 'PostgreSQL' : 'SQLite'} store. A team deployment queues them for{' '}
        <code>trellis worker</code> processes instead (TRELLIS_EXECUTION=workers, with TRELLIS_DATABASE_URL);
        see the README.
      </p>
    );
  }
  const workers = status.members.filter((m) => m.concurrency > 0);
  const capacity = workers.reduce((sum, m) => sum + m.concurrency, 0);
  return (
    <div className="card team-summary team-figures">
      <div>
        <span className="team-figure">{workers.length}</span> worker{workers.length === 1 ? '' : 's'}
      </div>
      <div>
        <span className="team-figure">{capacity}</span> runs at once
      </div>
      <div>
        <span className="team-figure">{status.queue?.taken ?? 0}</span> running
      </div>
      <div>
        <span className="team-figure">{status.queue?.waiting ?? 0}</span> waiting for a worker
      </div>
      {workers.length === 0 ? (
        <p className="team-warning">
          No worker is running: queued runs wait until one starts (<code>trellis worker</code>).
        </p>
      ) : null}
    </div>
  );
}

/** Where runs execute; on a team, its workers with their heartbeats and the queue. */
export function WorkersPage() {
  const status = useTeamStatus({ poll: true });
  return (
    <section className="page workers-page">
      <div className="page-head">
        <div>
          <h1>Workers</h1>
          <p className="muted">
            The processes that execute runs. A worker silent for{' '}
            {status.data?.staleMs ? seconds(status.data.staleMs) : 'a while'} is declared gone: its runs end
            as interrupted with their traces kept, and experiments run those items again.
          </p>
        </div>
      </div>
      {status.error ? (
        <ErrorBanner title="Could not load the workers" message={status.error.message} />
      ) : null}
      {status.data ? <Summary status={status.data} /> : null}
      {status.data && status.data.members.length > 0 ? (
        <div className="card runs-card">
          <table className="runs-table workers-table">
            <thead>
              <tr>
                <th>State</th>
                <th>Name</th>
                <th>Where</th>
                <th className="num">Runs at once</th>
                <th className="num">Running</th>
                <th className="num">Last heartbeat</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {status.data.members.map((member) => (
                <MemberRow key={member.id} member={member} staleMs={status.data.staleMs} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
