import { useQueryClient } from '@tanstack/react-query';
import type { Optimisation } from '@trellis/shared';
import { useEffect, useState } from 'react';
import { optimisationKeys } from '../api/optimisations.ts';

/**
 * Follows a running optimisation over server-sent events: each `optimisation` replaces it (its candidates
 * included) in the query cache; `end` closes the stream and reads it and the list once more. Returns whether the
 * stream is open.
 */
export function useOptimisationProgress(id: string, running: boolean): boolean {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!running) return;
    const key = optimisationKeys.detail(id);
    const source = new EventSource(`/api/optimisations/${encodeURIComponent(id)}/events`);
    source.onopen = () => setOpen(true);
    source.addEventListener('optimisation', (event) => {
      client.setQueryData<Optimisation>(
        key,
        JSON.parse((event as MessageEvent<string>).data) as Optimisation,
      );
    });
    source.addEventListener('end', () => {
      source.close();
      setOpen(false);
      void client.invalidateQueries({ queryKey: key });
      void client.invalidateQueries({ queryKey: optimisationKeys.all, exact: true });
    });
    return () => {
      source.close();
      setOpen(false);
    };
  }, [id, running, client]);
  return open;
}
