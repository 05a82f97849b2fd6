import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { WorldSplit, WorldTask, WorldTaskSummary } from '@trellis/shared';
import { api } from './client.ts';

export interface TaskQuery {
  split?: WorldSplit | undefined;
  difficulty?: 1 | 2 | 3 | undefined;
  app?: string | undefined;
  search?: string | undefined;
}

export const taskKeys = {
  list: (query: TaskQuery) => ['tasks', 'list', query] as const,
  detail: (id: string) => ['tasks', 'detail', id] as const,
};

/** The list path for a query; empty filters are left out. */
export function taskListPath(query: TaskQuery): string {
  const params = new URLSearchParams();
  if (query.split) params.set('split', query.split);
  if (query.difficulty) params.set('difficulty', String(query.difficulty));
  if (query.app) params.set('app', query.app);
  if (query.search?.trim()) params.set('search', query.search.trim());
  const search = params.toString();
  return search ? `/api/tasks?${search}` : '/api/tasks';
}

/** Built-in tasks matching the filters. */
export function useTasks(query: TaskQuery) {
  return useQuery({
    queryKey: taskKeys.list(query),
    queryFn: () => api<WorldTaskSummary[]>('GET', taskListPath(query)),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** One task with its supervisor, date and reference solution. */
export function useTask(id: string | null) {
  return useQuery({
    queryKey: taskKeys.detail(id ?? ''),
    queryFn: () => api<WorldTask>('GET', `/api/tasks/${encodeURIComponent(id!)}`),
    enabled: id !== null,
    staleTime: 60_000,
  });
}
