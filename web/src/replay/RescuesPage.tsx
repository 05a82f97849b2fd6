import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useRescues } from '../api/replay.ts';
import { navigate } from '../router.ts';
import { formatWhen } from '../runs/format.ts';
import '../runs.css';
import './replay.css';

const STATUS_CLASS = {
  running: 'run-badge-running',
  finished: 'run-badge-succeeded',
  cancelled: 'run-badge-cancelled',
};

/** Every rescue, newest first; each reopens with its progress and pairs. */
export function RescuesPage() {
  const rescues = useRescues();
  const list = rescues.data?.rescues ?? [];
  return (
    <section className="page rescues-page">
      <div className="page-head">
        <div>
          <h1>Rescues</h1>
          <p className="muted">
            Failed runs re-run under a change, each from its start or from just before it first failed. Start
            one from the Runs page.
          </p>
        </div>
      </div>
      {rescues.error ? (
        <div className="banner banner-error" role="alert">
          <strong>Could not load rescues</strong>
          <span>{rescues.error.message}</span>
        </div>
      ) : null}
      {rescues.data && list.length === 0 ? (
        <div className="empty">
          <p>No rescues yet.</p>
          <p className="muted">On the Runs page, filter the failed runs (or select some) and press Rescue.</p>
        </div>
      ) : null}
      {list.length > 0 ? (
        <div className="card runs-card">
          <table className="runs-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Name</th>
                <th className="num">Rescued</th>
                <th className="num">Still failing</th>
                <th>From</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((rescue) => {
                const href = `/rescues/${encodeURIComponent(rescue.id)}`;
                return (
                  <tr key={rescue.id} className="run-row" onClick={() => navigate(href)}>
                    <td>
                      <span className={`run-badge ${STATUS_CLASS[rescue.status]}`}>{rescue.status}</span>
                    </td>
                    <td>
                      <a
                        href={href}
                        onClick={(event) => {
                          event.preventDefault();
                          event.stopPropagation();
                          navigate(href);
                        }}
                      >
                        {rescue.name}
                      </a>
                    </td>
                    <td className="num">
                      {rescue.rescued} of {rescue.total}
                    </td>
                    <td className="num">{rescue.stillFailing}</td>
                    <td className="small">
                      {rescue.from === 'start' ? 'first step' : 'before first failure'}
                    </td>
                    <td className="muted small">
                      {formatWhen(rescue.createdAt)}
                      <ByAuthor author={rescue.author} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
