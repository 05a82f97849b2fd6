import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  FINISHED_STATUSES,
  type RunDetail,
  type RunList,
  type RunListQuery,
  type RunStatus,
  type StartRunRequest,
} from '@trellis/shared';
import { api } from './client.ts';
import { takePreloadedDetail } from './runSnapshot.ts';

export const runKeys = {
  all: ['runs'] as const,
  list: (query: RunListQuery) => ['runs', 'list', query] as const,
  detail: (id: string) => ['runs', 'detail', id] as const,
};

/** How often lists and headers refresh while a run they show is still going. */
export const LIVE_POLL_MS = 1_500;

export function isLive(status: RunStatus): boolean {
  return !FINISHED_STATUSES.includes(status);
}

/** The query string for a list request; empty filters are left out. */
export function runListPath(query: RunListQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `/api/runs?${search}` : '/api/runs';
}

/** A page of runs, polled while any run on it is queued or running. */
export function useRuns(query: RunListQuery) {
  return useQuery({
    queryKey: runKeys.list(query),
    queryFn: () => api<RunList>('GET', runListPath(query)),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.runs.some((run) => isLive(run.status)) ? LIVE_POLL_MS : false),
  });
}

/** One run's record, polled until it has finished. */
export function useRun(id: string) {
  return useQuery({
    queryKey: runKeys.detail(id),
    queryFn: () => api<RunDetail>('GET', `/api/runs/${encodeURIComponent(id)}`),
    // Read ahead with the run's events when the page opened on this run, so its header is whole from the first
    // paint instead of growing (and moving the page) when the record arrives.
    initialData: () => takePreloadedDetail(id) ?? undefined,
    refetchInterval: (q) => (q.state.data && isLive(q.state.data.status) ? LIVE_POLL_MS : false),
  });
}

export function useStartRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: StartRunRequest) => api<RunDetail>('POST', '/api/runs', body),
    onSuccess: (run) => {
      client.setQueryData(runKeys.detail(run.id), run);
      void client.invalidateQueries({ queryKey: runKeys.all });
    },
  });
}

export function useCancelRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ id: string; cancelling: boolean }>('POST', `/api/runs/${encodeURIComponent(id)}/cancel`),
    onSettled: (_data, _error, id) => client.invalidateQueries({ queryKey: runKeys.detail(id) }),
  });
}
