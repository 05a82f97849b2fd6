import { useQueryClient } from '@tanstack/react-query';
import type { Rescue, RescuePair, RescueProgress } from '@trellis/shared';
import { useEffect, useState } from 'react';
import { replayKeys } from '../api/replay.ts';

/**
 * Follows a running rescue over server-sent events: each `progress` replaces the rescue's progress and each `pair`
 * its pair, in the query cache, so the page reads one object; `end` closes the stream and reads the rescue once
 * more. Returns whether the stream is open.
 */
export function useRescueProgress(id: string, running: boolean): boolean {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!running) return;
    const key = replayKeys.rescue(id);
    const update = (change: (rescue: Rescue) => Rescue) =>
      client.setQueryData<Rescue>(key, (rescue) => (rescue ? change(rescue) : rescue));
    const source = new EventSource(`/api/rescues/${encodeURIComponent(id)}/events`);
    source.onopen = () => setOpen(true);
    source.addEventListener('progress', (event) => {
      const progress = JSON.parse((event as MessageEvent<string>).data) as RescueProgress;
      update((rescue) => ({ ...rescue, status: progress.status, rescued: progress.rescued, progress }));
    });
    source.addEventListener('pair', (event) => {
      const pair = JSON.parse((event as MessageEvent<string>).data) as RescuePair;
      update((rescue) => ({
        ...rescue,
        pairs: rescue.pairs.map((p) => (p.sourceRunId === pair.sourceRunId ? pair : p)),
      }));
    });
    source.addEventListener('end', () => {
      source.close();
      setOpen(false);
      void client.invalidateQueries({ queryKey: key });
      void client.invalidateQueries({ queryKey: replayKeys.rescues });
    });
    return () => {
      source.close();
      setOpen(false);
    };
  }, [id, running, client]);
  return open;
}
