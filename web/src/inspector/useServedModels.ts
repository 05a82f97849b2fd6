import { useQuery } from '@tanstack/react-query';
import type { EndpointHealth } from '@trellis/shared';
import { api } from '../api/client.ts';
import { endpointKeys } from '../api/endpoints.ts';

/** The models an endpoint serves, from its health probe (shared with the Endpoints page's cache). */
export function useServedModels(endpointId: string | null) {
  const health = useQuery({
    queryKey: endpointKeys.health(endpointId ?? ''),
    queryFn: () => api<EndpointHealth>('GET', `/api/endpoints/${encodeURIComponent(endpointId!)}/health`),
    enabled: endpointId !== null,
    staleTime: 30_000,
  });
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
