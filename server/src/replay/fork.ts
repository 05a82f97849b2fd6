import {
  type EnvironmentChoice,
  type ForkEdit,
  type ForkResult,
  lastFinishedStep,
  type RunChange,
} from '@trellis/shared';
import type { TaskCatalog } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { replaceCode, splitThinking } from '../engine/code.ts';
import type { Environment } from '../environments/types.ts';
import type { RunManager } from '../runs/manager.ts';
import type { Sql } from '../store/sql.ts';
import { type ChangePlan, planChange, summaryOf } from './change-plan.ts';
import { EditedReplyModel } from './edited-reply.ts';
import { ensureReachable, environmentFactory } from './environment.ts';
import { checkPrefix } from './prefix-check.ts';
import { loadRecord, type RecordDeps, type RunRecord } from './record.ts';
import { type RecordedModel, recordedPhases } from './recorded-model.ts';

export interface ForkDeps extends RecordDeps {
  db: Sql;
  manager: RunManager;
  tasks: TaskCatalog;
  environment: () => Environment;
}

/** A fork request after its schema's defaults. */
export interface ForkOrder {
  step: number;
  change: RunChange;
  reply?: string | undefined;
  code?: string | undefined;
  environment: EnvironmentChoice;
}

/** Refuses a fork step the record cannot start from, naming the steps it can. */
function checkStep(record: RunRecord, step: number): void {
  const id = record.run.id;
  const last = record.steps.at(-1)?.step ?? 0;
  if (record.live) {
    const finished = lastFinishedStep(record.steps);
    if (step > finished) {
      throw new DomainError(
        'conflict',
        'run_live',
        finished === 0
          ? `run '${id}' is still ${record.run.status} and has finished no step yet; fork it once it has`
          : `run '${id}' is still ${record.run.status}: it can be forked only at a step it has finished (1–${finished}), or once it has finished`,
      );
    }
    return;
  }
  if (last === 0) {
    throw new DomainError('unprocessable', 'nothing_to_fork', `run '${id}' recorded no step to fork from`);
  }
  if (step > last) {
    throw new DomainError(
      'invalid',
      'step_out_of_range',
      `step ${step} is out of range: run '${id}' recorded step${last === 1 ? ' 1' : `s 1–${last}`}`,
    );
  }
}

/** The reply the fork step's agent gives instead of calling a model, with the recorded one it replaces. */
function editedReply(record: RunRecord, order: ForkOrder): ForkEdit['reply'] {
  if (order.reply === undefined && order.code === undefined) return null;
  const recorded = record.events.find(
    (e) => e.type === 'llm.response' && e.step === order.step && e.role === 'agent',
  );
  if (recorded?.type !== 'llm.response') {
    throw new DomainError(
      'invalid',
      'no_agent_reply',
      `step ${order.step} of run '${record.run.id}' has no agent reply to edit`,
      {
        issues: [
          { path: [order.reply === undefined ? 'code' : 'reply'], message: 'no agent reply at this step' },
        ],
      },
    );
  }
  const before = recorded.text;
  const after = order.reply ?? replaceCode(splitThinking(before).answer, order.code!);
  return { step: order.step, nodeId: recorded.nodeId, before, after };
}

function editOf(record: RunRecord, plan: ChangePlan, versionId: string, reply: ForkEdit['reply']): ForkEdit {
  const summary = summaryOf(plan.changes);
  if (reply) {
    const lines = (text: string) => text.split('\n').length;
    summary.push(
      `step ${reply.step} ${reply.nodeId} reply: replaced (${lines(reply.before)} → ${lines(reply.after)} lines)`,
    );
  }
  if (summary.length === 0) summary.push('no change: the same graph runs live from the fork step');
  return { fromVersionId: record.version.id, toVersionId: versionId, changes: plan.changes, reply, summary };
}

/**
 * Forks recorded runs: a new run whose steps before k are rebuilt from the record (its parent's graph against a
 * model that answers from the record, so no model is called and the environment and Python session are rebuilt
 * by re-executing the recorded actions), and which runs live from step k with the change. The parent's run and
 * events are only read.
 */
export class ForkService {
  /** Forks whose rebuilt steps are still being checked against the record, by run id. */
  private readonly checks = new Map<string, Promise<void>>();

  constructor(private readonly deps: ForkDeps) {}

  async fork(
    runId: string,
    order: ForkOrder,
    options: { rescueId?: string; signal?: AbortSignal; author?: string | null } = {},
  ): Promise<ForkResult> {
    const record = await loadRecord(this.deps, runId);
    checkStep(record, order.step);
    const plan = await planChange(this.deps.graphs, record, order.change, order.step);
    const reply = editedReply(record, order);
    await ensureReachable(order.environment, record.run.taskId);

    const prefix = recordedPhases(record, { untilStep: order.step, strict: false });
    if (options.signal?.aborted) {
      throw new DomainError('unavailable', 'stopping', 'the server is stopping; no fork was started');
    }
    const result = await this.deps.db.transaction(async () => {
      const changed = Object.keys(order.change.nodes).length > 0;
      const version = changed
        ? await this.deps.graphs.save({
            graph: plan.graph,
            message: `fork of ${runId} at step ${order.step}`,
            graphId: plan.base.graphId,
            parentId: plan.base.id,
            keepHead: true,
            author: options.author ?? null,
          })
        : plan.base;
      const run = await this.deps.manager.start({
        version,
        taskId: record.run.taskId,
        difficulty: record.run.difficulty,
        endpointId: plan.endpointId,
        model: plan.model,
        overrides: plan.overrides,
        seed: record.run.seed,
        prefix,
        wrapModel: reply ? (live) => new EditedReplyModel(live, order.step, reply.after) : undefined,
        environment: environmentFactory(order.environment, this.deps.environment),
        // How a worker builds the three parts above again, when runs execute on workers.
        fork: {
          parentRunId: runId,
          step: order.step,
          reply: reply?.after ?? null,
          environment: order.environment,
        },
        author: options.author ?? null,
      });
      const lineage = await this.deps.lineage.insert({
        runId: run.id,
        parentRunId: runId,
        forkStep: order.step,
        edit: editOf(record, plan, version.id, reply),
        rescueId: options.rescueId ?? null,
      });
      return { run, lineage };
    });
    if (prefix.length > 0) this.watchPrefix(result.run.id, record, order.step, prefix);
    return result;
  }

  /** Resolves once a fork's findings on its rebuilt steps are stored (at once when none are awaited here). */
  async checked(runId: string): Promise<void> {
    await this.checks.get(runId);
  }

  /**
   * Checks the fork's rebuilt steps as it runs. The fork is answered before they are rebuilt, so the check goes
   * on without the caller; a fault storing its findings is reported, not thrown at anyone.
   */
  private watchPrefix(
    runId: string,
    record: RunRecord,
    untilStep: number,
    prefix: { model: RecordedModel }[],
  ) {
    const check = checkPrefix({
      events: this.deps.events,
      lineage: this.deps.lineage,
      runId,
      untilStep,
      recorded: record.steps,
      models: prefix.map((p) => p.model),
    })
      .catch((error: unknown) => {
        console.error(
          `trellis: the findings of fork '${runId}' were not stored: ${(error as Error).message}`,
        );
      })
      .finally(() => this.checks.delete(runId));
    this.checks.set(runId, check);
  }
}
