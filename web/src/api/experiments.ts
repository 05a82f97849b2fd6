import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Experiment,
  ExperimentItem,
  ExperimentReport,
  ExperimentRequest,
  ExperimentSummary,
  ServerSamples,
} from '@trellis/shared';
import { api } from './client.ts';
import { LIVE_POLL_MS } from './runs.ts';

const enc = encodeURIComponent;

export const experimentKeys = {
  all: ['experiments'] as const,
  detail: (id: string) => ['experiments', id] as const,
  items: (id: string) => ['experiments', id, 'items'] as const,
  report: (id: string) => ['experiments', id, 'report'] as const,
  servers: (id: string) => ['experiments', id, 'servers'] as const,
};

/** How often the report and the server samples are read again while the experiment runs. */
export const REPORT_POLL_MS = 4_000;

/** Where an experiment's downloads are served. */
export const experimentExports = (id: string) => ({
  csv: `/api/experiments/${enc(id)}/export.csv`,
  json: `/api/experiments/${enc(id)}/export.json`,
  markdown: `/api/experiments/${enc(id)}/report.md`,
});

/** Every experiment, newest first; polled while one runs. */
export function useExperiments() {
  return useQuery({
    queryKey: experimentKeys.all,
    queryFn: () => api<{ experiments: ExperimentSummary[] }>('GET', '/api/experiments'),
    refetchInterval: (q) =>
      q.state.data?.experiments.some((e) => e.status === 'running') ? LIVE_POLL_MS : false,
  });
}

/** One experiment with its progress; live progress comes from useExperimentProgress. */
export function useExperiment(id: string) {
  return useQuery({
    queryKey: experimentKeys.detail(id),
    queryFn: () => api<Experiment>('GET', `/api/experiments/${enc(id)}`),
  });
}

/** The plan's items and the runs that carried them out; kept current by useExperimentProgress. */
export function useExperimentItems(id: string) {
  return useQuery({
    queryKey: experimentKeys.items(id),
    queryFn: () => api<{ items: ExperimentItem[] }>('GET', `/api/experiments/${enc(id)}/items`),
  });
}

/** The report; over the finished runs while the experiment runs, so it is read again every few seconds. */
export function useExperimentReport(id: string, running: boolean) {
  return useQuery({
    queryKey: experimentKeys.report(id),
    queryFn: () => api<ExperimentReport>('GET', `/api/experiments/${enc(id)}/report`),
    refetchInterval: running ? REPORT_POLL_MS : false,
  });
}

/** The inference servers' load sampled while the experiment ran. */
export function useExperimentServers(id: string, running: boolean) {
  return useQuery({
    queryKey: experimentKeys.servers(id),
    queryFn: () => api<ServerSamples>('GET', `/api/experiments/${enc(id)}/servers`),
    refetchInterval: running ? REPORT_POLL_MS : false,
  });
}

export function useCreateExperiment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ExperimentRequest) => api<Experiment>('POST', '/api/experiments', body),
    onSuccess: (experiment) => {
      client.setQueryData(experimentKeys.detail(experiment.id), experiment);
      void client.invalidateQueries({ queryKey: experimentKeys.all, exact: true });
    },
  });
}

/** Cancel, or re-run the runs that errored: both answer the experiment as it now stands. */
function useExperimentAction(id: string, action: 'cancel' | 'rerun-errored') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<Experiment>('POST', `/api/experiments/${enc(id)}/${action}`),
    onSuccess: (experiment) => {
      client.setQueryData(experimentKeys.detail(id), experiment);
      void client.invalidateQueries({ queryKey: experimentKeys.items(id) });
      void client.invalidateQueries({ queryKey: experimentKeys.report(id) });
      void client.invalidateQueries({ queryKey: experimentKeys.all, exact: true });
    },
  });
}

export const useCancelExperiment = (id: string) => useExperimentAction(id, 'cancel');
export const useRerunErrored = (id: string) => useExperimentAction(id, 'rerun-errored');
