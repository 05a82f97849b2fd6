import { loadConfig } from '../config.ts';
import { startWorker } from '../team/worker.ts';
import { parseCommand, UsageError, usageOf } from './args.ts';
import { CliError } from './setup.ts';
import { WORKER } from './worker-commands.ts';

/** `trellis worker`: runs until a signal, or until the team declares it gone. */
export async function worker(argv: string[]): Promise<number> {
  const parsed = parseCommand(WORKER, argv);
  if (parsed.help) {
    console.log(usageOf(WORKER));
    return 0;
  }
  const concurrency = Number(parsed.values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError(
      `--concurrency must be a whole number from 1 to 256, not '${parsed.values.concurrency}'`,
      'worker',
    );
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new CliError(
      'a worker takes runs from the team database: set TRELLIS_DATABASE_URL to a PostgreSQL URL',
    );
  }
  const handle = await startWorker(config, {
    concurrency,
    ...(parsed.values.name ? { name: parsed.values.name } : {}),
  });
  const stop = (signal: NodeJS.Signals) => {
    console.log(`trellis worker: ${signal}, interrupting the runs in hand and leaving`);
    void handle.stop(`the worker was stopped (${signal}) while this run was in flight`);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await handle.stopped;
  return 0;
}
