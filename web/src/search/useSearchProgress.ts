import { useQueryClient } from '@tanstack/react-query';
import type { Search } from '@trellis/shared';
import { useEffect, useState } from 'react';
import { searchKeys } from '../api/searches.ts';

/**
 * Follows a running search over server-sent events: each `search` replaces the search (its trials included) in the
 * query cache; `end` closes the stream and reads the search and the list once more. Returns whether the stream is
 * open.
 */
export function useSearchProgress(id: string, running: boolean): boolean {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!running) return;
    const key = searchKeys.detail(id);
    const source = new EventSource(`/api/searches/${encodeURIComponent(id)}/events`);
    source.onopen = () => setOpen(true);
    source.addEventListener('search', (event) => {
      client.setQueryData<Search>(key, JSON.parse((event as MessageEvent<string>).data) as Search);
    });
    source.addEventListener('end', () => {
      source.close();
      setOpen(false);
      void client.invalidateQueries({ queryKey: key });
      void client.invalidateQueries({ queryKey: searchKeys.all, exact: true });
    });
    return () => {
      source.close();
      setOpen(false);
    };
  }, [id, running, client]);
  return open;
}
