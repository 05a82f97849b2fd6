import type { WorldTaskSummary } from '@trellis/shared';
import { ApiRequestError } from '../api/client.ts';

export function Difficulty({ level }: { level: number }) {
  return (
    <span className={`difficulty difficulty-${level}`} title={`Difficulty ${level}`}>
      {'●'.repeat(level)}
      <span className="difficulty-off">{'●'.repeat(3 - level)}</span>
    </span>
  );
}

/** Says why the task list is empty: no route yet, a failure, or filters that match nothing. */
export function TaskListState({ error, empty }: { error: Error | null; empty: boolean }) {
  if (error) {
    const missing = error instanceof ApiRequestError && error.status === 404;
    return (
      <div className="task-state" role="status">
        <strong>
          {missing ? 'The task catalogue is not available on this server.' : 'Cannot load tasks.'}
        </strong>
        <span className="muted">{missing ? 'GET /api/tasks answered 404.' : error.message}</span>
      </div>
    );
  }
  if (empty)
    return (
      <div className="task-state" role="status">
        <strong>No task matches these filters.</strong>
      </div>
    );
  return null;
}

export function TaskList({
  tasks,
  selectedId,
  onSelect,
}: {
  tasks: WorldTaskSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <ul className="task-list" aria-label="Tasks">
      {tasks.map((task) => (
        <li key={task.id}>
          <button
            type="button"
            className="task-row"
            aria-current={task.id === selectedId ? 'true' : undefined}
            onClick={() => onSelect(task.id)}
          >
            <span className="task-row-head">
              <code className="task-row-id">{task.id}</code>
              <span className="task-split">{task.split}</span>
              <Difficulty level={task.difficulty} />
            </span>
            <span className="task-instruction">{task.instruction}</span>
            <span className="task-apps">{task.apps.join(' · ')}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
