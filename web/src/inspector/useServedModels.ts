import { useQueries, useQuery } from '@tanstack/react-query';
import type { EndpointHealth, ServedModel } from '@trellis/shared';
import { api } from '../api/client.ts';
import { endpointKeys } from '../api/endpoints.ts';

const probe = (endpointId: string) => ({
  queryKey: endpointKeys.health(endpointId),
  queryFn: () => api<EndpointHealth>('GET', `/api/endpoints/${encodeURIComponent(endpointId)}/health`),
  staleTime: 30_000,
});

/** The models an endpoint serves, from its health probe (shared with the Endpoints page's cache). */
export function useServedModels(endpointId: string | null) {
  const health = useQuery({ ...probe(endpointId ?? ''), enabled: endpointId !== null });
  return {
    models: health.data?.models.map((m) => m.id) ?? [],
    loading: health.isLoading,
    problem: health.error
      ? health.error.message
      : health.data && health.data.status !== 'ok'
        ? (health.data.message ?? `endpoint is ${health.data.status}`)
        : null,
  };
}

/**
 * What each of several endpoints serves, by endpoint id; absent while its probe is pending or failed. Lists of
 * endpoints use it to mark test doubles (scripted, simulated) and to offer models.
 */
export function useServedModelsOf(endpointIds: readonly string[]): ReadonlyMap<string, ServedModel[]> {
  return useQueries({
    queries: endpointIds.map(probe),
    combine: (results) => {
      const served = new Map<string, ServedModel[]>();
      results.forEach((result, i) => {
        if (result.data) served.set(endpointIds[i]!, result.data.models);
      });
      return served;
    },
  });
}
