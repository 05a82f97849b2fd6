import type { AlignedRow, CompareResult, RunDetail, StepRecord } from '@trellis/shared';
import { useMemo, useState } from 'react';
import { useCompare } from '../api/replay.ts';
import { simulatedModelsOf, TestDoubleNotice } from '../components/TestDoubleNotice.tsx';
import { navigate, usePath } from '../router.ts';
import { formatMs, formatTokens } from '../runs/format.ts';
import { DiffEditorView } from '../runs/inspect/CodeDiff.tsx';
import { StatusBadge } from '../runs/StatusBadge.tsx';
import { compareHref } from './links.ts';
import '../runs.css';
import './replay.css';

function RunLink({ id }: { id: string }) {
  const href = `/runs/${encodeURIComponent(id)}`;
  return (
    <a
      href={href}
      onClick={(event) => {
        event.preventDefault();
        navigate(href);
      }}
    >
      <code>{id}</code>
    </a>
  );
}

function RunCard({ side, run, steps }: { side: 'Left' | 'Right'; run: RunDetail; steps: StepRecord[] }) {
  const tokens = steps.reduce((n, s) => n + s.tokens, 0);
  return (
    <section className="card compare-run" aria-label={`${side} run`}>
      <header className="compare-run-head">
        <span className="compare-side-label">{side}</span>
        <strong>{run.graphName}</strong>
        <StatusBadge status={run.status} />
      </header>
      <div className="run-facts small">
        <RunLink id={run.id} />
        <span>
          {steps.length} step{steps.length === 1 ? '' : 's'}
        </span>
        <span>{formatTokens(tokens)} tokens</span>
        <span>{formatMs(run.totals?.durationMs ?? null)}</span>
        {run.models.length > 0 ? <code>{run.models.join(', ')}</code> : null}
        {run.evaluation ? (
          <span className={run.evaluation.success ? 'result-pass' : 'result-fail'}>
            {run.evaluation.passes.length} of {run.evaluation.numTests} checks passed
          </span>
        ) : null}
      </div>
    </section>
  );
}

/** Left against right: "1,234 → 1,456 (+222)". */
function Against({
  left,
  right,
  format,
}: {
  left: number | null;
  right: number | null;
  format: (n: number) => string;
}) {
  const delta = left !== null && right !== null ? right - left : null;
  return (
    <span className="against">
      <span>{left === null ? '–' : format(left)}</span>
      <span className="muted"> → </span>
      <span>{right === null ? '–' : format(right)}</span>
      {delta !== null && delta !== 0 ? (
        <span className={`against-delta ${delta > 0 ? 'is-more' : 'is-less'}`}>
          {' '}
          ({delta > 0 ? '+' : '−'}
          {format(Math.abs(delta))})
        </span>
      ) : null}
    </span>
  );
}

const KIND_LABEL: Record<AlignedRow['kind'], string> = {
  same: 'same',
  changed: 'differs',
  left: 'only left',
  right: 'only right',
};

function Outcome({ step }: { step: StepRecord | undefined }) {
  if (!step) return <span className="muted">–</span>;
  if (!step.executed) return <span className="tpill">not run</span>;
  return (
    <span className={`tpill ${step.ok ? 'tpill-ok' : 'tpill-bad'}`}>
      {step.completed ? 'completed' : step.ok ? 'ok' : 'error'}
    </span>
  );
}

function Observation({ side, step }: { side: string; step: StepRecord | undefined }) {
  return (
    <section className="side-pane" aria-label={`${side} observation`}>
      <h3>
        {side} {step ? `step ${step.step}` : ''} observation <Outcome step={step} />
      </h3>
      {step?.error ? <p className="trace-error">{step.error}</p> : null}
      <pre className="payload obs-text compare-obs">
        {step ? (step.observation ?? '(no observation)') : '(no such step)'}
      </pre>
    </section>
  );
}

function RowDetail({ left, right }: { left: StepRecord | undefined; right: StepRecord | undefined }) {
  return (
    <div className="compare-detail">
      <div className="diff-sides" aria-hidden="true">
        <span>Left code{left?.proposed ? ' (as corrected)' : ''}</span>
        <span>Right code{right?.proposed ? ' (as corrected)' : ''}</span>
      </div>
      <DiffEditorView before={left?.code ?? ''} after={right?.code ?? ''} />
      <div className="side-by-side two">
        <Observation side="Left" step={left} />
        <Observation side="Right" step={right} />
      </div>
    </div>
  );
}

function StepRow({
  row,
  left,
  right,
  first,
  open,
  onToggle,
}: {
  row: AlignedRow;
  left: StepRecord | undefined;
  right: StepRecord | undefined;
  first: boolean;
  open: boolean;
  onToggle: () => void;
}) {
  const label = `${row.left !== null ? `Step ${row.left}` : '—'} ↔ ${row.right !== null ? `Step ${row.right}` : '—'}`;
  return (
    <li className={`compare-row compare-${row.kind}${first ? ' is-first-divergence' : ''}`}>
      <button type="button" className="compare-row-head" aria-expanded={open} onClick={onToggle}>
        <span className="chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="compare-steps">{label}</span>
        <span className="compare-labels">
          <span className={`compare-kind compare-kind-${row.kind}`}>{KIND_LABEL[row.kind]}</span>
          {first ? <span className="first-divergence-badge">first divergence</span> : null}
        </span>
        <span className="compare-outcomes">
          <Outcome step={left} /> <Outcome step={right} />
        </span>
        <span className="compare-metric" title="tokens, left → right">
          <Against left={left?.tokens ?? null} right={right?.tokens ?? null} format={formatTokens} /> tok
        </span>
        <span className="compare-metric" title="time, left → right">
          <Against left={left?.durationMs ?? null} right={right?.durationMs ?? null} format={formatMs} />
        </span>
      </button>
      {open ? <RowDetail left={left} right={right} /> : null}
    </li>
  );
}

function Alignment({ result }: { result: CompareResult }) {
  const { rows, prefix, firstDivergence } = result.alignment;
  const [showPrefix, setShowPrefix] = useState(false);
  const [open, setOpen] = useState<ReadonlySet<number>>(
    () => new Set(firstDivergence === null ? [] : [firstDivergence]),
  );
  const byStep = useMemo(
    () => ({
      left: new Map(result.steps.left.map((s) => [s.step, s])),
      right: new Map(result.steps.right.map((s) => [s.step, s])),
    }),
    [result],
  );
  const toggle = (index: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });
  const row = (r: AlignedRow, index: number) => (
    <StepRow
      key={index}
      row={r}
      left={r.left !== null ? byStep.left.get(r.left) : undefined}
      right={r.right !== null ? byStep.right.get(r.right) : undefined}
      first={index === firstDivergence}
      open={open.has(index)}
      onToggle={() => toggle(index)}
    />
  );
  return (
    <ol className="compare-rows" aria-label="Aligned steps">
      {prefix > 0 ? (
        <li className="compare-prefix">
          <button
            type="button"
            className="compare-row-head"
            aria-expanded={showPrefix}
            onClick={() => setShowPrefix((v) => !v)}
          >
            <span className="chevron" aria-hidden="true">
              {showPrefix ? '▾' : '▸'}
            </span>
            <span>
              {prefix === 1 ? 'Step 1 is' : `Steps 1–${prefix} are`} the same on both sides (code, observation
              and outcome)
            </span>
          </button>
          {showPrefix ? <ol className="compare-rows">{rows.slice(0, prefix).map(row)}</ol> : null}
        </li>
      ) : null}
      {rows.slice(prefix).map((r, i) => row(r, prefix + i))}
    </ol>
  );
}

function Summary({ result }: { result: CompareResult }) {
  const { rows, firstDivergence } = result.alignment;
  const first = firstDivergence === null ? null : rows[firstDivergence];
  const leftTokens = result.steps.left.reduce((n, s) => n + s.tokens, 0);
  const rightTokens = result.steps.right.reduce((n, s) => n + s.tokens, 0);
  return (
    <section className="card compare-summary" aria-label="Summary">
      {first ? (
        <p className="compare-verdict is-diverged" data-testid="first-divergence">
          <strong>
            First divergence: {first.left !== null ? `step ${first.left}` : 'no step'} on the left,{' '}
            {first.right !== null ? `step ${first.right}` : 'no step'} on the right
          </strong>
          {result.alignment.prefix > 0
            ? ` after ${result.alignment.prefix} identical step${result.alignment.prefix === 1 ? '' : 's'}`
            : ''}
        </p>
      ) : (
        <p className="compare-verdict is-same" data-testid="first-divergence">
          <strong>The runs agree on every step.</strong>
        </p>
      )}
      <p className="small">
        Steps <Against left={result.steps.left.length} right={result.steps.right.length} format={String} /> ·
        tokens <Against left={leftTokens} right={rightTokens} format={formatTokens} /> · time{' '}
        <Against
          left={result.left.totals?.durationMs ?? null}
          right={result.right.totals?.durationMs ?? null}
          format={formatMs}
        />
      </p>
    </section>
  );
}

/**
 * Two runs of the same task aligned step by step: the shared prefix collapsed, the first divergence highlighted
 * and open, and for each aligned step the code as a diff, the observations side by side, tokens and time against
 * each other.
 */
export function ComparePage() {
  usePath();
  const params = new URLSearchParams(window.location.search);
  const left = params.get('left') ?? '';
  const right = params.get('right') ?? '';
  const compare = useCompare(left, right);
  const result = compare.data;
  const simulated = result ? simulatedModelsOf([...result.left.models, ...result.right.models]) : [];
  return (
    <section className="page compare-page">
      <div className="page-head">
        <div>
          <h1>Compare runs</h1>
          <p className="muted">Two runs of the same task, step by step.</p>
        </div>
        {left && right ? (
          <button type="button" className="small" onClick={() => navigate(compareHref(right, left))}>
            Swap sides
          </button>
        ) : null}
      </div>
      {!left || !right ? (
        <div className="empty">
          <p>Pick two runs of the same task to compare.</p>
          <p className="muted">
            On the Runs page, select two runs and press Compare; a fork compares with its parent.
          </p>
        </div>
      ) : null}
      {compare.error ? (
        <div className="banner banner-error" role="alert">
          <strong>Could not compare</strong>
          <span>{compare.error.message}</span>
        </div>
      ) : null}
      {compare.isLoading ? <p className="muted">Loading both runs…</p> : null}
      {result ? (
        <>
          {simulated.length > 0 ? <TestDoubleNotice kind="simulated" /> : null}
          <div className="compare-runs">
            <RunCard side="Left" run={result.left} steps={result.steps.left} />
            <RunCard side="Right" run={result.right} steps={result.steps.right} />
          </div>
          <Summary result={result} />
          <Alignment key={`${left}:${right}`} result={result} />
        </>
      ) : null}
    </section>
  );
}
