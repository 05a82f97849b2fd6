import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Experiment, GraphVersion, Search, SearchRequest, SearchSummary } from '@trellis/shared';
import { api } from './client.ts';
import { experimentKeys } from './experiments.ts';
import { graphKeys } from './graphs.ts';
import { LIVE_POLL_MS } from './runs.ts';

const enc = encodeURIComponent;

export const searchKeys = {
  all: ['searches'] as const,
  detail: (id: string) => ['searches', id] as const,
};

/** How often a search is read again while its confirmation on test runs. */
const CONFIRMATION_POLL_MS = 3_000;

const fetchSearch = (id: string) => api<Search>('GET', `/api/searches/${enc(id)}`);

/** Every search, newest first; polled while one runs. */
export function useSearches() {
  return useQuery({
    queryKey: searchKeys.all,
    queryFn: () => api<{ searches: SearchSummary[] }>('GET', '/api/searches'),
    refetchInterval: (q) =>
      q.state.data?.searches.some((s) => s.status === 'running') ? LIVE_POLL_MS : false,
  });
}

/** One search with its trials; live changes come from useSearchProgress. */
export function useSearch(id: string) {
  return useQuery({
    queryKey: searchKeys.detail(id),
    queryFn: () => fetchSearch(id),
    // The confirmation on test runs after the search has ended, when no stream follows it.
    refetchInterval: (q) => (q.state.data?.confirmation?.status === 'running' ? CONFIRMATION_POLL_MS : false),
  });
}

/** Several searches whole (for the compare view), polled while one of them runs. */
export function useSearchesById(ids: readonly string[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: searchKeys.detail(id),
      queryFn: () => fetchSearch(id),
      refetchInterval: (q: { state: { data?: Search } }) =>
        q.state.data?.status === 'running' ? LIVE_POLL_MS : false,
    })),
  });
}

export function useCreateSearch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SearchRequest) => api<Search>('POST', '/api/searches', body),
    onSuccess: (search) => {
      client.setQueryData(searchKeys.detail(search.id), search);
      void client.invalidateQueries({ queryKey: searchKeys.all, exact: true });
    },
  });
}

export function useCancelSearch(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<Search>('POST', `/api/searches/${enc(id)}/cancel`),
    onSuccess: (search) => {
      client.setQueryData(searchKeys.detail(id), search);
      void client.invalidateQueries({ queryKey: searchKeys.all, exact: true });
    },
  });
}

/** Saves the best trial's graph as the head version of the searched graph; answers that version. */
export function useSaveBestOfSearch(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<GraphVersion>('POST', `/api/searches/${enc(id)}/save-best`),
    onSuccess: (version) => {
      client.setQueryData(graphKeys.version(version.id), version);
      void client.invalidateQueries({ queryKey: graphKeys.all });
      void client.invalidateQueries({ queryKey: graphKeys.versions(version.graphId) });
    },
  });
}

/** Runs the chosen allocation once on the test split (refused with 409 while the search runs). */
export function useConfirmSearch(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<Experiment>('POST', `/api/searches/${enc(id)}/confirm`),
    onSuccess: (experiment) => {
      client.setQueryData(experimentKeys.detail(experiment.id), experiment);
      void client.invalidateQueries({ queryKey: searchKeys.detail(id) });
      void client.invalidateQueries({ queryKey: searchKeys.all, exact: true });
      void client.invalidateQueries({ queryKey: experimentKeys.all, exact: true });
    },
  });
}
