import { useQueryClient } from '@tanstack/react-query';
import type { Experiment, ExperimentItem, ExperimentProgress } from '@trellis/shared';
import { useEffect, useState } from 'react';
import { experimentKeys } from '../api/experiments.ts';

/**
 * Follows a running experiment over server-sent events: each `progress` replaces the experiment's progress and
 * each `item` its item, in the query cache, so the page reads one object; `end` closes the stream and reads the
 * experiment, its items and its report once more. Returns whether the stream is open.
 */
export function useExperimentProgress(id: string, running: boolean): boolean {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!running) return;
    const key = experimentKeys.detail(id);
    const source = new EventSource(`/api/experiments/${encodeURIComponent(id)}/events`);
    source.onopen = () => setOpen(true);
    source.addEventListener('progress', (event) => {
      const progress = JSON.parse((event as MessageEvent<string>).data) as ExperimentProgress;
      client.setQueryData<Experiment>(key, (experiment) =>
        experiment
          ? { ...experiment, status: progress.status, total: progress.total, done: progress.done, progress }
          : experiment,
      );
    });
    source.addEventListener('item', (event) => {
      const item = JSON.parse((event as MessageEvent<string>).data) as ExperimentItem;
      client.setQueryData<{ items: ExperimentItem[] }>(experimentKeys.items(id), (list) =>
        list ? { items: list.items.map((i) => (i.position === item.position ? item : i)) } : list,
      );
    });
    source.addEventListener('end', () => {
      source.close();
      setOpen(false);
      void client.invalidateQueries({ queryKey: key });
      void client.invalidateQueries({ queryKey: experimentKeys.all, exact: true });
    });
    return () => {
      source.close();
      setOpen(false);
    };
  }, [id, running, client]);
  return open;
}
