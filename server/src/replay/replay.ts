import { type ReplayRequest, type ReplayResult, type RunEventBody, stepsOf } from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import { RunStop, runGraph } from '../engine/engine.ts';
import type { Environment } from '../environments/types.ts';
import { environmentFactory, unreachable, WatchedEnvironment } from './environment.ts';
import { loadRecord, type RecordDeps } from './record.ts';
import { recordedPhases } from './recorded-model.ts';
import { replayVerdict } from './verdict.ts';

export interface ReplayDeps extends RecordDeps {
  /** A fresh built-in environment. */
  environment: () => Environment;
}

/** Why a replay of a stopped run ends where it does. */
const RECORD_ENDS = 'the record ends here: the recorded run was stopped at this point';

/**
 * Replays recorded runs: the same graph and task, a fresh environment, and a model that answers from the record.
 * A replay is a check, not a run: it is computed on request and returned, never stored, because the record and the
 * deterministic world fully determine it (asking again gives the same answer) and a stored copy would only go
 * stale beside the run it describes.
 */
export class ReplayService {
  constructor(private readonly deps: ReplayDeps) {}

  async replay(runId: string, request: Required<Pick<ReplayRequest, 'environment'>>): Promise<ReplayResult> {
    const record = await loadRecord(this.deps, runId);
    if (record.live) {
      throw new DomainError(
        'conflict',
        'run_live',
        `run '${runId}' is still ${record.run.status}; replay it once it has finished`,
      );
    }
    const controller = new AbortController();
    const phases = recordedPhases(record, {
      strict: true,
      ...(record.stopped
        ? { onRecordEnd: () => controller.abort(new RunStop('interrupted', RECORD_ENDS)) }
        : {}),
    });
    const last = phases.at(-1)!;
    const env = new WatchedEnvironment(environmentFactory(request.environment, this.deps.environment)());
    const emitted: RunEventBody[] = [];
    const started = performance.now();
    let outcome: Awaited<ReturnType<typeof runGraph>>;
    try {
      outcome = await runGraph(
        {
          graph: last.graph,
          graphVersionId: record.version.id,
          taskId: record.run.taskId,
          seed: record.run.seed,
          prefix: phases.slice(0, -1),
        },
        {
          model: last.model,
          env,
          emit: (body) => emitted.push(body),
          signal: controller.signal,
          deltaWindowMs: 0,
        },
      );
    } finally {
      await env.close().catch(() => undefined);
    }
    if (env.unreachable) throw unreachable(env.unreachable);
    const verdict = replayVerdict({
      recorded: {
        steps: record.steps,
        status: record.run.status,
        evaluation: record.finished?.evaluation ?? record.run.evaluation,
        stopped: record.stopped,
      },
      replayed: { steps: stepsOf(emitted), status: outcome.status, evaluation: outcome.evaluation },
      refused: phases.find((p) => p.model.divergence)?.model.divergence ?? null,
    });
    return {
      runId,
      taskId: record.run.taskId,
      graphVersionId: record.version.id,
      recordedStatus: record.run.status,
      replayedStatus: outcome.status,
      modelCalls: phases.reduce((n, p) => n + p.model.answered, 0),
      durationMs: performance.now() - started,
      recordedDurationMs: record.run.totals?.durationMs ?? null,
      ...verdict,
    };
  }
}
