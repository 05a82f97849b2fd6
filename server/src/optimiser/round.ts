import { type CandidateProblem, type ChatMessage, type Graph, runDefaults } from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import type { RunManager } from '../runs/manager.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import { type GraphRepo, type StoredVersion, versionIdOf } from '../store/graphs.ts';
import type { CandidateAttempt, StoredCandidate } from '../store/optimisations.ts';
import type { RunRepo } from '../store/runs.ts';
import { type AskMetaAgent, repairPrompt } from './meta-agent.ts';
import { type ReadProposal, readProposal, validationProblems } from './proposal.ts';

/** Proposals after the first that a round may ask for before it is skipped (W4S, ADAS: three). */
export const MAX_REPAIRS = 3;

export interface RoundDeps {
  graphs: GraphRepo;
  endpoints: EndpointRepo;
  manager: RunManager;
  runs: RunRepo;
  tasks: { get(taskId: string): { id: string; difficulty: number | null } | null };
}

/** The meta-agent could not be asked (its endpoint failed): the optimisation stops, saying so. */
export class MetaAgentFailure extends Error {
  constructor(cause: unknown) {
    super((cause as Error).message ?? String(cause));
    this.name = 'MetaAgentFailure';
  }
}

/** What one round is played with. */
export interface RoundSetup {
  optimisationName: string;
  /** The optimisation's author, recorded on the round's version and dry run; null in single-user mode. */
  author: string | null;
  round: number;
  parent: StoredVersion;
  /** Candidates so far: a proposal equal to one of their graphs is refused. */
  earlier: readonly StoredCandidate[];
  messages: ChatMessage[];
  ask: AskMetaAgent;
  endpointId: string | null;
  model: string | null;
  /** The dev task and seed of the dry run. */
  dryRun: { taskId: string; seed: number };
  /** Aborted when the optimisation is cancelled or the process stops. */
  signal: AbortSignal;
  onPhase(phase: 'proposing' | 'checking'): Promise<void>;
}

/** How a round's proposing ended: a valid, dry-run graph; no valid proposal; or stopped before it could tell. */
export type RoundResult =
  | {
      kind: 'proposed';
      read: ReadProposal;
      version: StoredVersion | null;
      dryRunId: string | null;
      attempts: CandidateAttempt[];
      problems: CandidateProblem[];
      repairs: number;
      valid: boolean;
    }
  | { kind: 'stopped' };

type Check =
  | { ok: true; version: StoredVersion; dryRunId: string }
  | {
      ok: false;
      problems: Omit<CandidateProblem, 'attempt'>[];
      version: StoredVersion | null;
      dryRunId: string | null;
    }
  | { ok: 'stopped' };

function duplicateProblem(
  graph: Graph,
  parent: StoredVersion,
  earlier: readonly StoredCandidate[],
): string | null {
  const id = versionIdOf(graph);
  if (id === parent.id) return 'the proposal changes nothing in the graph: propose an edit';
  const same = earlier.find((c) => c.versionId === id);
  if (!same) return null;
  const score = same.score?.rate;
  return `the proposal is the graph of round ${same.round} ("${same.label}")${score === null || score === undefined ? '' : `, which scored ${(score * 100).toFixed(1)} %`}: propose a different edit`;
}

/**
 * Plays the proposing half of one round (W4S): ask the meta-agent for an edit, check it (schema, graph validation,
 * not a graph already tried, a dry run on one dev task that must not end `errored`), and send the problems back for
 * a fixed proposal, at most MAX_REPAIRS times. A failing meta-agent throws MetaAgentFailure; the caller stops the
 * optimisation.
 */
export class RoundPlayer {
  constructor(private readonly deps: RoundDeps) {}

  async play(setup: RoundSetup): Promise<RoundResult> {
    const messages = [...setup.messages];
    const attempts: CandidateAttempt[] = [];
    const problems: CandidateProblem[] = [];
    let read: ReadProposal | null = null;
    let version: StoredVersion | null = null;
    let dryRunId: string | null = null;
    for (let attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
      await setup.onPhase('proposing');
      let reply: string;
      try {
        reply = await setup.ask(messages);
      } catch (error) {
        if (setup.signal.aborted) return { kind: 'stopped' };
        throw new MetaAgentFailure(error);
      }
      if (setup.signal.aborted) return { kind: 'stopped' };
      await setup.onPhase('checking');
      read = readProposal(reply, setup.parent.graph);
      let found = read.problems;
      version = null;
      dryRunId = null;
      if (found.length === 0 && read.graph) {
        const check = await this.check(read.graph, read.label, setup);
        if (check.ok === 'stopped') return { kind: 'stopped' };
        if (check.ok) {
          attempts.push({ reply, problems: [] });
          return {
            kind: 'proposed',
            read,
            version: check.version,
            dryRunId: check.dryRunId,
            attempts,
            problems,
            repairs: attempt,
            valid: true,
          };
        }
        found = check.problems;
        version = check.version;
        dryRunId = check.dryRunId;
      }
      const messagesOf = found.map((p) => p.message);
      attempts.push({ reply, problems: messagesOf });
      problems.push(...found.map((p) => ({ attempt, ...p })));
      if (attempt < MAX_REPAIRS) {
        messages.push(
          { role: 'assistant', content: reply },
          { role: 'user', content: repairPrompt(messagesOf, attempt + 1, MAX_REPAIRS) },
        );
      }
    }
    return {
      kind: 'proposed',
      read: read!,
      version,
      dryRunId,
      attempts,
      problems,
      repairs: MAX_REPAIRS,
      valid: false,
    };
  }

  private async check(graph: Graph, label: string, setup: RoundSetup): Promise<Check> {
    const endpointIds = new Set((await this.deps.endpoints.list()).map((e) => e.id));
    const defaults = runDefaults(graph, {
      endpointId: setup.endpointId ?? undefined,
      model: setup.model ?? undefined,
    });
    const refused = (message: string, stage: 'validation' | 'duplicate') => ({
      ok: false as const,
      problems: [{ stage, message }],
      version: null,
      dryRunId: null,
    });
    const invalid = validationProblems(graph, endpointIds, defaults.endpointId);
    if (invalid.length > 0) return { ok: false, problems: invalid, version: null, dryRunId: null };
    const request = {
      overrides: {},
      endpointId: setup.endpointId ?? undefined,
      model: setup.model ?? undefined,
    };
    try {
      // Bindings the graph check cannot see: a model the endpoint does not name, an endpoint with no model.
      await this.deps.manager.check({ ...request, version: { ...setup.parent, graph } });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return refused(error.message, 'validation');
    }
    const duplicate = duplicateProblem(graph, setup.parent, setup.earlier);
    if (duplicate) return refused(duplicate, 'duplicate');
    // The dry run's record names the graph it ran, so the proposal is saved first (beside the head, not as it).
    const version = await this.deps.graphs.save({
      graph,
      message: `${setup.optimisationName}, round ${setup.round}: ${label || 'proposal'}`,
      graphId: setup.parent.graphId,
      parentId: setup.parent.id,
      keepHead: true,
      author: setup.author,
    });
    const task = this.deps.tasks.get(setup.dryRun.taskId);
    let run: { id: string };
    try {
      run = await this.deps.manager.start({
        ...request,
        version,
        taskId: setup.dryRun.taskId,
        difficulty: task?.difficulty ?? null,
        seed: setup.dryRun.seed,
        author: setup.author,
      });
    } catch (error) {
      return {
        ok: false,
        problems: [{ stage: 'dry_run', message: `the dry run could not start: ${(error as Error).message}` }],
        version,
        dryRunId: null,
      };
    }
    const onAbort = () => this.deps.manager.cancel(run.id);
    setup.signal.addEventListener('abort', onAbort, { once: true });
    // Stopped while the run was being created: it is cancelled too.
    if (setup.signal.aborted) onAbort();
    await this.deps.manager.settled(run.id);
    setup.signal.removeEventListener('abort', onAbort);
    if (setup.signal.aborted) return { ok: 'stopped' };
    const ended = await this.deps.runs.get(run.id);
    if (ended?.status === 'errored' || ended?.status === 'interrupted' || ended?.status === 'cancelled') {
      return {
        ok: false,
        problems: [
          {
            stage: 'dry_run',
            message: `the dry run on task ${setup.dryRun.taskId} ended ${ended.status}: ${ended.error ?? 'no reason recorded'}`,
          },
        ],
        version,
        dryRunId: run.id,
      };
    }
    return { ok: true, version, dryRunId: run.id };
  }
}
