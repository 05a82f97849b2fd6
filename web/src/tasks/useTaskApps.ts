import { useMemo } from 'react';
import { useTasks } from '../api/tasks.ts';

/** Every app some task uses, for the app filter. */
export function useTaskApps(): string[] {
  const all = useTasks({});
  return useMemo(() => [...new Set((all.data ?? []).flatMap((t) => t.apps))].sort(), [all.data]);
}
