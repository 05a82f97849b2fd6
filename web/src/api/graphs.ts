import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { GraphSummary, GraphVersion, Preset, SaveGraphVersionRequest } from '@trellis/shared';
import { api } from './client.ts';

export const graphKeys = {
  all: ['graphs'] as const,
  versions: (graphId: string) => ['graphs', graphId, 'versions'] as const,
  version: (versionId: string) => ['graph-versions', versionId] as const,
  presets: ['presets'] as const,
};

const enc = encodeURIComponent;

/** Saved graph lineages, most recently changed first. */
export function useGraphs() {
  return useQuery({ queryKey: graphKeys.all, queryFn: () => api<GraphSummary[]>('GET', '/api/graphs') });
}

/** A lineage's versions, newest first. */
export function useGraphVersions(graphId: string | null) {
  return useQuery({
    queryKey: graphKeys.versions(graphId ?? ''),
    queryFn: () => api<GraphVersion[]>('GET', `/api/graphs/${enc(graphId!)}/versions`),
    enabled: graphId !== null,
  });
}

export function usePresets() {
  return useQuery({
    queryKey: graphKeys.presets,
    queryFn: () => api<Preset[]>('GET', '/api/presets'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function fetchGraphVersion(versionId: string): Promise<GraphVersion> {
  return api<GraphVersion>('GET', `/api/graphs/versions/${enc(versionId)}`);
}

/** Saves a graph as a new immutable version (content-addressed: saving equal content returns that version). */
export function useSaveGraphVersion() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SaveGraphVersionRequest) => api<GraphVersion>('POST', '/api/graphs/versions', body),
    onSuccess: (version) => {
      client.setQueryData(graphKeys.version(version.id), version);
      void client.invalidateQueries({ queryKey: graphKeys.all });
    },
  });
}

/** Makes an earlier version the head of its lineage again. */
export function useRestoreGraphVersion() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ graphId, versionId }: { graphId: string; versionId: string }) =>
      api<GraphVersion>('POST', `/api/graphs/${enc(graphId)}/restore`, { versionId }),
    onSuccess: () => client.invalidateQueries({ queryKey: graphKeys.all }),
  });
}
