import { useQuery } from '@tanstack/react-query';
import type { TeamStatus } from '@trellis/shared';
import { api } from './client.ts';

/** Where runs execute; a team's members and queue, refreshed every few seconds while shown. */
export function useTeamStatus(options: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: ['team'],
    queryFn: () => api<TeamStatus>('GET', '/api/team'),
    refetchInterval: options.poll ? 2_000 : false,
  });
}
