import { useTask } from '../api/tasks.ts';
import { navigate } from '../router.ts';
import { Difficulty } from './TaskList.tsx';

/** One task: what the agent is told, for whom, when, and the reference solution. */
export function TaskDetail({ taskId }: { taskId: string }) {
  const task = useTask(taskId);
  if (task.isLoading) return <div className="task-detail muted">Loading {taskId}…</div>;
  if (task.error || !task.data)
    return (
      <div className="task-detail">
        <div className="banner banner-error" role="alert">
          <strong>Cannot load task {taskId}</strong>
          <span>{task.error?.message ?? 'no data'}</span>
        </div>
      </div>
    );
  const t = task.data;
  const s = t.supervisor;
  return (
    <article className="task-detail" aria-label={`Task ${t.id}`}>
      <header className="task-detail-head">
        <div>
          <h2>
            <code>{t.id}</code>
          </h2>
          <p className="muted small">
            {t.scenario} · {t.split} · difficulty <Difficulty level={t.difficulty} /> · {t.apps.join(', ')}
          </p>
        </div>
        <button
          type="button"
          className="primary"
          onClick={() => navigate(`/canvas?task=${encodeURIComponent(t.id)}`)}
        >
          Run on canvas
        </button>
      </header>
      <h3>Instruction</h3>
      <p className="task-detail-instruction" data-testid="task-instruction">
        {t.instruction}
      </p>
      <dl className="task-facts">
        <div>
          <dt>Supervisor</dt>
          <dd>
            {s.first_name} {s.last_name}
          </dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd title={s.email}>{s.email}</dd>
        </div>
        <div>
          <dt>Phone</dt>
          <dd>{s.phone_number}</dd>
        </div>
        <div>
          <dt>Date</dt>
          <dd title={t.datetime}>{t.datetime.replace('T', ' ')}</dd>
        </div>
      </dl>
      <details className="task-solution">
        <summary>Reference solution</summary>
        <pre>{t.solution}</pre>
      </details>
    </article>
  );
}
