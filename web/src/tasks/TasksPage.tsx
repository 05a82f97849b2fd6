import { useState } from 'react';
import { type TaskQuery, useTasks } from '../api/tasks.ts';
import { TaskDetail } from './TaskDetail.tsx';
import { TaskFilters } from './TaskFilters.tsx';
import { TaskList, TaskListState } from './TaskList.tsx';
import { useTaskApps } from './useTaskApps.ts';
import '../canvas.css';

/** Browse and search the built-in tasks; read one's instruction and start it on the canvas. */
export function TasksPage() {
  const [query, setQuery] = useState<TaskQuery>({});
  const [selected, setSelected] = useState<string | null>(null);
  const tasks = useTasks(query);
  const apps = useTaskApps();
  const list = tasks.data ?? [];
  const current = selected ?? list[0]?.id ?? null;
  return (
    <section className="page tasks-page">
      <div className="page-head">
        <div>
          <h1>Tasks</h1>
          <p className="muted">
            The built-in app world's tasks, by split and difficulty. Each is checked by the state it leaves
            behind.
          </p>
        </div>
        <span className="muted small" data-testid="task-count">
          {tasks.data ? `${list.length} task${list.length === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      <TaskFilters query={query} onChange={setQuery} apps={apps} />
      <div className="tasks-body">
        <div className="tasks-list-pane card">
          <TaskListState error={tasks.error} empty={tasks.isSuccess && list.length === 0} />
          {tasks.isLoading ? <p className="muted">Loading tasks…</p> : null}
          <TaskList tasks={list} selectedId={current} onSelect={setSelected} />
        </div>
        <div className="card tasks-detail-pane">
          {current ? <TaskDetail taskId={current} /> : <p className="muted">Select a task to read it.</p>}
        </div>
      </div>
    </section>
  );
}
