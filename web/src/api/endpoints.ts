import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  DiscoveredServer,
  Endpoint,
  EndpointHealth,
  EndpointInput,
  EndpointPatch,
  SavedEndpoint,
} from '@trellis/shared';
import { api } from './client.ts';

export const endpointKeys = {
  all: ['endpoints'] as const,
  health: (id: string) => ['endpoints', id, 'health'] as const,
  discovery: ['discovery'] as const,
};

export function useEndpoints() {
  return useQuery({ queryKey: endpointKeys.all, queryFn: () => api<Endpoint[]>('GET', '/api/endpoints') });
}

/** Health, served models and server metrics; polled while the page is open. */
export function useEndpointHealth(id: string, pollMs = 5_000) {
  return useQuery({
    queryKey: endpointKeys.health(id),
    queryFn: () => api<EndpointHealth>('GET', `/api/endpoints/${encodeURIComponent(id)}/health`),
    refetchInterval: pollMs,
    enabled: id !== '',
  });
}

export function useDiscovery() {
  return useQuery({
    queryKey: endpointKeys.discovery,
    queryFn: () => api<DiscoveredServer[]>('GET', '/api/discovery'),
  });
}

export function useScanDiscovery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<DiscoveredServer[]>('POST', '/api/discovery/scan'),
    onSuccess: (found) => client.setQueryData(endpointKeys.discovery, found),
  });
}

/** Registers an endpoint; the answer says what was checked before it was saved. */
export function useCreateEndpoint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: EndpointInput) => api<SavedEndpoint>('POST', '/api/endpoints', input),
    onSuccess: () => client.invalidateQueries({ queryKey: endpointKeys.all }),
  });
}

/** Edits an endpoint; the answer says what was checked again (nothing when the connection is unchanged). */
export function useUpdateEndpoint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: EndpointPatch }) =>
      api<SavedEndpoint>('PATCH', `/api/endpoints/${encodeURIComponent(id)}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: endpointKeys.all }),
  });
}

export function useDeleteEndpoint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/endpoints/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: endpointKeys.all }),
  });
}
