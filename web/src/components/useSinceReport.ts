import { useEffect, useState } from 'react';

/**
 * Milliseconds since this progress report arrived, ticking each second while the work runs, so time left and
 * elapsed count on between reports (a rescue's, an experiment's).
 */
export function useSinceReport(report: unknown, running: boolean): number {
  const [received, setReceived] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new report restarts the clock
  useEffect(() => {
    const at = Date.now();
    setReceived(at);
    setNow(at);
  }, [report]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return Math.max(0, now - received);
}
