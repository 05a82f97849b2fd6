import {
  type CompareResult,
  formatDuration,
  type ReplayResult,
  type Rescue,
  type RescueProgress,
  type StepRecord,
  type StepSide,
} from '@trellis/shared';

const firstLine = (text: string | null, max = 70) => {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

function side(label: string, s: StepSide | null): string[] {
  if (!s) return [`    ${label}: (no such step)`];
  if (!s.executed) return [`    ${label}: (no action)`];
  return [
    `    ${label} code:`,
    indent(s.code ?? '(none)', '      '),
    `    ${label} ${s.ok ? 'observed' : `failed (${s.error ?? 'error'})`}:`,
    indent(s.observation ?? '', '      '),
  ];
}

/** A replay as terminal lines: one per step, both sides of the first difference, then the verdict. */
export function formatReplay(result: ReplayResult): string[] {
  const lines: string[] = [];
  for (const step of result.steps) lines.push(`  step ${step.step}  ${step.match ? 'match' : 'DIFFERS'}`);
  const d = result.firstDivergence;
  if (d) {
    lines.push(`First difference at step ${d.step} (${d.kind}): ${d.message}`);
    if (d.request) {
      lines.push(
        `    recorded: ${JSON.stringify(d.request.recorded)}`,
        `    replayed: ${JSON.stringify(d.request.replayed)}`,
      );
    } else if (d.recorded || d.replayed) {
      lines.push(...side('recorded', d.recorded), ...side('replayed', d.replayed));
    }
  }
  const took = `in ${seconds(result.durationMs)}${result.recordedDurationMs === null ? '' : `; the run took ${seconds(result.recordedDurationMs)}`}`;
  const stopped =
    result.stoppedAt === null
      ? ''
      : ` up to step ${result.stoppedAt}, where the run was ${result.recordedStatus}`;
  lines.push(
    result.match
      ? `Match on every step${stopped} (${result.modelCalls} model calls answered from the record, none sent) ${took}.`
      : `The replay differs from the record ${took}.`,
  );
  return lines;
}

function stepCell(step: StepRecord | undefined): string {
  if (!step) return '—';
  const outcome = step.executed ? (step.ok ? 'ok' : 'FAILED') : 'no action';
  return `${firstLine(step.code, 40) || '(no code)'} → ${outcome}: ${firstLine(step.observation, 40)} (${step.tokens} tok, ${seconds(step.durationMs)})`;
}

/** Two runs side by side: the shared prefix in one line, then each aligned pair, the first divergence marked. */
export function formatCompare(result: CompareResult): string[] {
  const { alignment, steps } = result;
  const left = new Map(steps.left.map((s) => [s.step, s]));
  const right = new Map(steps.right.map((s) => [s.step, s]));
  const lines = [
    `${result.left.id} (${result.left.status}) and ${result.right.id} (${result.right.status}) on ${result.left.taskId}`,
  ];
  if (alignment.prefix > 0) lines.push(`  steps 1–${alignment.prefix}: the same on both sides`);
  alignment.rows.slice(alignment.prefix).forEach((row, i) => {
    const mark = alignment.prefix + i === alignment.firstDivergence ? '▶' : ' ';
    lines.push(
      `${mark} ${String(row.left ?? '·').padStart(3)} │ ${String(row.right ?? '·').padEnd(3)} ${row.kind}`,
      `      left:  ${stepCell(row.left === null ? undefined : left.get(row.left))}`,
      `      right: ${stepCell(row.right === null ? undefined : right.get(row.right))}`,
    );
  });
  const sum = (list: StepRecord[], pick: (s: StepRecord) => number) => list.reduce((n, s) => n + pick(s), 0);
  lines.push(
    alignment.firstDivergence === null ? 'The runs agree on every step.' : `First divergence marked ▶.`,
    `Tokens ${sum(steps.left, (s) => s.tokens)} vs ${sum(steps.right, (s) => s.tokens)}; time ${seconds(sum(steps.left, (s) => s.durationMs))} vs ${seconds(sum(steps.right, (s) => s.durationMs))}.`,
  );
  return lines;
}

/** One progress line: done, running, rescued, rate and time left. */
export function formatProgress(p: RescueProgress): string {
  const rate = p.ratePerMinute === null ? '' : ` · ${p.ratePerMinute.toFixed(1)} runs/min`;
  const eta = p.etaMs === null || p.done === p.total ? '' : ` · ETA ${formatDuration(p.etaMs)}`;
  return `progress: ${p.done}/${p.total} done, ${p.running} running, ${p.rescued} rescued${rate}${eta}`;
}

/** A rescue's outcome: "N of M rescued", those still failing, every pair. */
export function formatRescue(rescue: Rescue): string[] {
  const lines = [
    `${rescue.rescued} of ${rescue.total} rescued (${rescue.name}, ${rescue.id}, ${rescue.status}).`,
  ];
  const failing = rescue.pairs.filter((p) => p.status === 'failing' || p.status === 'error');
  if (failing.length > 0) {
    lines.push('Still failing:');
    for (const pair of failing) {
      lines.push(
        `  ${pair.sourceRunId} (${pair.taskId}) → ${pair.forkRunId ?? 'not started'}: ${pair.error ?? pair.runStatus}`,
      );
    }
  }
  const open = rescue.pairs.filter((p) => p.status === 'pending' || p.status === 'running');
  if (open.length > 0) lines.push(`${open.length} not done yet: trellis rescue --resume ${rescue.id}`);
  lines.push('Pairs:');
  for (const pair of rescue.pairs) {
    lines.push(
      `  ${pair.sourceRunId} → ${pair.forkRunId ?? '—'}  ${pair.status}${pair.forkStep && pair.forkStep > 1 ? ` (from step ${pair.forkStep})` : ''}`,
    );
  }
  return lines;
}
