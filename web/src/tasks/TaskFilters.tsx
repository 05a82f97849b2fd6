import type { TaskQuery } from '../api/tasks.ts';

/** Search and narrow the built-in tasks by split, difficulty and app. */
export function TaskFilters({
  query,
  onChange,
  apps,
  compact = false,
}: {
  query: TaskQuery;
  onChange: (query: TaskQuery) => void;
  apps: string[];
  compact?: boolean;
}) {
  return (
    <search className={`task-filters${compact ? ' task-filters-compact' : ''}`}>
      <input
        type="search"
        className={`task-filter${compact ? ' task-search-compact' : ''}`}
        aria-label="Search tasks"
        placeholder="Search id, scenario or instruction"
        value={query.search ?? ''}
        onChange={(event) => onChange({ ...query, search: event.target.value })}
      />
      <select
        className="task-filter"
        aria-label="Split"
        value={query.split ?? ''}
        onChange={(event) =>
          onChange({
            ...query,
            split: event.target.value === '' ? undefined : (event.target.value as 'dev' | 'test'),
          })
        }
      >
        <option value="">All splits</option>
        <option value="dev">dev</option>
        <option value="test">test</option>
      </select>
      <select
        className="task-filter"
        aria-label="Difficulty"
        value={query.difficulty ?? ''}
        onChange={(event) =>
          onChange({
            ...query,
            difficulty: event.target.value === '' ? undefined : (Number(event.target.value) as 1 | 2 | 3),
          })
        }
      >
        <option value="">Any difficulty</option>
        <option value="1">1 · one app</option>
        <option value="2">2 · pagination or two apps</option>
        <option value="3">3 · several apps</option>
      </select>
      <select
        className="task-filter"
        aria-label="App"
        value={query.app ?? ''}
        onChange={(event) => onChange({ ...query, app: event.target.value || undefined })}
      >
        <option value="">All apps</option>
        {apps.map((app) => (
          <option key={app} value={app}>
            {app}
          </option>
        ))}
      </select>
    </search>
  );
}
