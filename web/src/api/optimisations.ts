import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Experiment,
  GraphVersion,
  Optimisation,
  OptimisationSummary,
  OptimiserRequest,
} from '@trellis/shared';
import { api } from './client.ts';
import { experimentKeys } from './experiments.ts';
import { graphKeys } from './graphs.ts';
import { LIVE_POLL_MS } from './runs.ts';

const enc = encodeURIComponent;

export const optimisationKeys = {
  all: ['optimisations'] as const,
  detail: (id: string) => ['optimisations', id] as const,
};

/** How often an optimisation is read again while its confirmation on test runs (no stream follows it then). */
const CONFIRMATION_POLL_MS = 3_000;

/** Where an optimisation's rounds are served as JSONL, one training example per round. */
export const roundsExport = (id: string) => `/api/optimisations/${enc(id)}/rounds.jsonl`;

/** Every optimisation, newest first; polled while one runs. */
export function useOptimisations() {
  return useQuery({
    queryKey: optimisationKeys.all,
    queryFn: () => api<{ optimisations: OptimisationSummary[] }>('GET', '/api/optimisations'),
    refetchInterval: (q) =>
      q.state.data?.optimisations.some((o) => o.status === 'running') ? LIVE_POLL_MS : false,
  });
}

/** One optimisation with its candidates; live changes come from useOptimisationProgress. */
export function useOptimisation(id: string) {
  return useQuery({
    queryKey: optimisationKeys.detail(id),
    queryFn: () => api<Optimisation>('GET', `/api/optimisations/${enc(id)}`),
    refetchInterval: (q) => (q.state.data?.confirmation?.status === 'running' ? CONFIRMATION_POLL_MS : false),
  });
}

export function useCreateOptimisation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: OptimiserRequest) => api<Optimisation>('POST', '/api/optimisations', body),
    onSuccess: (optimisation) => {
      client.setQueryData(optimisationKeys.detail(optimisation.id), optimisation);
      void client.invalidateQueries({ queryKey: optimisationKeys.all, exact: true });
    },
  });
}

export function useCancelOptimisation(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<Optimisation>('POST', `/api/optimisations/${enc(id)}/cancel`),
    onSuccess: (optimisation) => {
      client.setQueryData(optimisationKeys.detail(id), optimisation);
      void client.invalidateQueries({ queryKey: optimisationKeys.all, exact: true });
    },
  });
}

/** Makes the best round's graph the head version of the optimised graph; answers that version. */
export function useSaveBestOfOptimisation(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<GraphVersion>('POST', `/api/optimisations/${enc(id)}/save-best`),
    onSuccess: (version) => {
      client.setQueryData(graphKeys.version(version.id), version);
      void client.invalidateQueries({ queryKey: graphKeys.all });
      void client.invalidateQueries({ queryKey: graphKeys.versions(version.graphId) });
    },
  });
}

/** Runs the best graph once on the test split (refused with 409 while the optimisation runs). */
export function useConfirmOptimisation(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<Experiment>('POST', `/api/optimisations/${enc(id)}/confirm`),
    onSuccess: (experiment) => {
      client.setQueryData(experimentKeys.detail(experiment.id), experiment);
      void client.invalidateQueries({ queryKey: optimisationKeys.detail(id) });
      void client.invalidateQueries({ queryKey: optimisationKeys.all, exact: true });
      void client.invalidateQueries({ queryKey: experimentKeys.all, exact: true });
    },
  });
}
