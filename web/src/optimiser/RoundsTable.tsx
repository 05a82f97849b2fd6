import type { OptimiserCandidate } from '@trellis/shared';
import { rateWithInterval } from '../experiments/format.ts';
import { formatTokens } from '../runs/format.ts';
import { STATUS_LABEL } from './treeOption.ts';

/** Every round in order, as a table beside the tree: a row selects its round (the tree is a canvas). */
export function RoundsTable({
  candidates,
  best,
  selected,
  onSelect,
}: {
  candidates: readonly OptimiserCandidate[];
  best: number | null;
  selected: number | null;
  onSelect: (round: number) => void;
}) {
  const sorted = [...candidates].sort((a, b) => a.round - b.round);
  return (
    <div className="table-scroll">
      <table className="report-table rounds-table">
        <thead>
          <tr>
            <th className="num">Round</th>
            <th>Label</th>
            <th>Status</th>
            <th className="num">Dev TGC</th>
            <th className="num">Tokens</th>
            <th className="num">Reward</th>
            <th className="num">Repairs</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((c) => (
            <tr
              key={c.round}
              className={`run-row${c.round === selected ? ' is-selected' : ''}${c.round === best ? ' is-best' : ''}`}
              aria-selected={c.round === selected}
              onClick={() => onSelect(c.round)}
              data-testid="round-row"
            >
              <td className="num">{c.round}</td>
              <td className="round-label">
                <button type="button" className="link" onClick={() => onSelect(c.round)}>
                  {c.label}
                </button>
                {c.round === best ? <span className="tpill tpill-ok">best</span> : null}
              </td>
              <td>
                <span className={`candidate-status status-${c.status}`}>{STATUS_LABEL[c.status]}</span>
              </td>
              <td className="num">{c.score ? rateWithInterval(c.score) : '–'}</td>
              <td className="num">{formatTokens(c.cost)}</td>
              <td className="num">{c.reward ?? '–'}</td>
              <td className="num">{c.round === 0 ? '–' : c.repairs}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
