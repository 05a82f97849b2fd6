import type { RunSummary } from '@trellis/shared';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { simulatedModelsOf, TestDoubleNotice, TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { navigate } from '../router.ts';
import { formatMs, formatTokens, formatWhen } from './format.ts';
import { StatusBadge } from './StatusBadge.tsx';

function duration(run: RunSummary): number | null {
  if (run.totals) return run.totals.durationMs;
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  return end - Date.parse(run.startedAt);
}

function Result({ success }: { success: boolean | null }) {
  if (success === null) return <span className="muted">–</span>;
  return success ? (
    <span className="result-pass">✓ solved</span>
  ) : (
    <span className="result-fail">✗ not solved</span>
  );
}

/** The models a run called; one that is a test double says so. */
function Models({ models }: { models: string[] }) {
  if (models.length === 0) return <span className="muted">–</span>;
  return (
    <>
      <code>{models.join(', ')}</code>{' '}
      <TestDoubleTag kind={simulatedModelsOf(models).length > 0 ? 'simulated' : null} short />
    </>
  );
}

/** The runs of one page; a row opens its run, its box selects it (to compare or rescue). */
export function RunsTable({
  runs,
  selected,
  onToggle,
}: {
  runs: RunSummary[];
  selected?: ReadonlySet<string>;
  onToggle?: (runId: string) => void;
}) {
  const anySimulated = runs.some((run) => simulatedModelsOf(run.models).length > 0);
  return (
    <>
      <table className="runs-table">
        <thead>
          <tr>
            {onToggle ? (
              <th className="select-col">
                <span className="visually-hidden">Select</span>
              </th>
            ) : null}
            <th>Status</th>
            <th>Graph</th>
            <th>Task</th>
            <th>Model</th>
            <th className="num">Difficulty</th>
            <th>Result</th>
            <th className="num">Steps</th>
            <th className="num">Tokens</th>
            <th className="num">Duration</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const href = `/runs/${encodeURIComponent(run.id)}`;
            const tokens = run.totals ? run.totals.promptTokens + run.totals.completionTokens : null;
            return (
              <tr
                key={run.id}
                className={`run-row${selected?.has(run.id) ? ' is-selected' : ''}`}
                onClick={() => navigate(href)}
              >
                {onToggle ? (
                  <td className="select-col">
                    <input
                      type="checkbox"
                      aria-label={`Select ${run.taskId} run ${run.id}`}
                      checked={selected?.has(run.id) ?? false}
                      onClick={(event) => event.stopPropagation()}
                      onChange={() => onToggle(run.id)}
                    />
                  </td>
                ) : null}
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>
                  <a
                    href={href}
                    onClick={(event) => {
                      event.preventDefault();
                      event.stopPropagation();
                      navigate(href);
                    }}
                  >
                    {run.graphName}
                  </a>
                </td>
                <td>
                  <code>{run.taskId}</code>
                </td>
                <td>
                  <Models models={run.models} />
                </td>
                <td className="num">{run.difficulty ?? '–'}</td>
                <td>
                  <Result success={run.success} />
                </td>
                <td className="num">{run.steps}</td>
                <td className="num">{formatTokens(tokens)}</td>
                <td className="num">{formatMs(duration(run))}</td>
                <td className="muted small">
                  {formatWhen(run.createdAt)}
                  <ByAuthor author={run.author} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <TestDoubleNotice kind={anySimulated ? 'simulated' : null} className="is-inset">
        the runs marked simulated called a seeded test double that plays a weak code agent. They show how a
        scaffold copes with its mistakes, never how a model performs.
      </TestDoubleNotice>
    </>
  );
}
