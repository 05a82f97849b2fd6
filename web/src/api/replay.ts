import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CompareResult,
  ForkRequest,
  ForkResult,
  LineageNode,
  LineageTree,
  ReplayResult,
  Rescue,
  RescueList,
  RescueRequest,
} from '@trellis/shared';
import { api } from './client.ts';
import { isLive, LIVE_POLL_MS, runKeys } from './runs.ts';

const enc = encodeURIComponent;

export const replayKeys = {
  lineage: (runId: string) => ['lineage', runId] as const,
  compare: (left: string, right: string) => ['compare', left, right] as const,
  rescues: ['rescues'] as const,
  rescue: (id: string) => ['rescues', id] as const,
};

function anyLive(node: LineageNode): boolean {
  return isLive(node.status) || node.children.some(anyLive);
}

/** The run's lineage and the tree of forks it belongs to; polled while a run in the tree is live. */
export function useLineage(runId: string) {
  return useQuery({
    queryKey: replayKeys.lineage(runId),
    queryFn: () => api<LineageTree>('GET', `/api/runs/${enc(runId)}/lineage`),
    refetchInterval: (q) => (q.state.data && anyLive(q.state.data.root) ? LIVE_POLL_MS : false),
  });
}

/** Replays a recorded run with answers from its record: a verdict, not a stored run. */
export function useReplay(runId: string) {
  return useMutation({
    mutationFn: () => api<ReplayResult>('POST', `/api/runs/${enc(runId)}/replay`, {}),
  });
}

/** Starts a fork of a run; its lineage and the runs list then include it. */
export function useFork(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ForkRequest) => api<ForkResult>('POST', `/api/runs/${enc(runId)}/forks`, body),
    onSuccess: (result) => {
      client.setQueryData(runKeys.detail(result.run.id), result.run);
      void client.invalidateQueries({ queryKey: ['lineage'] });
      void client.invalidateQueries({ queryKey: runKeys.all });
    },
  });
}

/** Two runs of the same task aligned step by step; polled while either is live. */
export function useCompare(left: string, right: string) {
  return useQuery({
    queryKey: replayKeys.compare(left, right),
    queryFn: () => api<CompareResult>('GET', `/api/compare?left=${enc(left)}&right=${enc(right)}`),
    enabled: left !== '' && right !== '',
    refetchInterval: (q) =>
      q.state.data && (isLive(q.state.data.left.status) || isLive(q.state.data.right.status))
        ? LIVE_POLL_MS
        : false,
  });
}

export function useRescues() {
  return useQuery({
    queryKey: replayKeys.rescues,
    queryFn: () => api<RescueList>('GET', '/api/rescues'),
    refetchInterval: (q) =>
      q.state.data?.rescues.some((r) => r.status === 'running') ? LIVE_POLL_MS : false,
  });
}

/** One rescue with its pairs; its live progress comes from useRescueProgress. */
export function useRescue(id: string) {
  return useQuery({
    queryKey: replayKeys.rescue(id),
    queryFn: () => api<Rescue>('GET', `/api/rescues/${enc(id)}`),
  });
}

export function useStartRescue() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RescueRequest) => api<Rescue>('POST', '/api/rescues', body),
    onSuccess: (rescue) => {
      client.setQueryData(replayKeys.rescue(rescue.id), rescue);
      void client.invalidateQueries({ queryKey: replayKeys.rescues });
    },
  });
}

export function useCancelRescue(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<Rescue>('POST', `/api/rescues/${enc(id)}/cancel`),
    onSuccess: (rescue) => client.setQueryData(replayKeys.rescue(id), rescue),
  });
}
