import { useEffect, useRef, useState } from 'react';
import { type TaskQuery, useTask, useTasks } from '../api/tasks.ts';
import { TaskFilters } from './TaskFilters.tsx';
import { TaskList, TaskListState } from './TaskList.tsx';
import { useTaskApps } from './useTaskApps.ts';

/** A compact task chooser: a button naming the task, opening a searchable list. */
export function TaskPicker({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState<TaskQuery>({ split: 'dev' });
  const tasks = useTasks(query);
  const apps = useTaskApps();
  const chosen = useTask(value);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onEscape = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', onEscape);
    };
  }, [open]);

  return (
    <div className="task-picker" ref={root}>
      <button
        type="button"
        className="task-picker-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        title={chosen.data?.instruction ?? 'Choose the task to run on'}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="muted">Task</span> <code>{value ?? 'choose…'}</code> ▾
      </button>
      {open ? (
        <div className="task-picker-popover" role="dialog" aria-label="Choose a task">
          <TaskFilters query={query} onChange={setQuery} apps={apps} compact />
          <div className="task-picker-list">
            <TaskListState error={tasks.error} empty={tasks.isSuccess && (tasks.data?.length ?? 0) === 0} />
            <TaskList
              tasks={tasks.data ?? []}
              selectedId={value}
              onSelect={(id) => {
                onChange(id);
                setOpen(false);
              }}
            />
          </div>
        </div>
      ) : null}
    </div>
  );
}
