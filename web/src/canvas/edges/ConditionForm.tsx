import { type EdgeCondition, EdgeCondition as EdgeConditionSchema } from '@trellis/shared';
import { useEffect, useState } from 'react';
import { useEditor } from '../store/EditorProvider.tsx';
import { CONDITION_OPTIONS, type ConditionType, conditionOf } from './conditions.ts';

/** Edits one edge's condition and its order among its source's edges. Used on the edge and in the inspector. */
export function ConditionForm({ edgeId, compact = false }: { edgeId: string; compact?: boolean }) {
  const edge = useEditor((s) => s.graph.edges.find((e) => e.id === edgeId));
  const siblings = useEditor((s) => (edge ? s.graph.edges.filter((e) => e.from === edge.from).length : 0));
  const rank = useEditor((s) =>
    edge ? s.graph.edges.filter((e) => e.from === edge.from).findIndex((e) => e.id === edgeId) + 1 : 0,
  );
  const setCondition = useEditor((s) => s.setEdgeCondition);
  const reorder = useEditor((s) => s.reorderEdge);
  const remove = useEditor((s) => s.remove);
  const tokens = edge?.when.type === 'context_over' ? edge.when.tokens : null;
  const [draft, setDraft] = useState(tokens === null ? '' : String(tokens));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(tokens === null ? '' : String(tokens));
    setError(null);
  }, [tokens]);
  if (!edge) return null;

  const commitTokens = (text: string) => {
    setDraft(text);
    const parsed = EdgeConditionSchema.safeParse({ type: 'context_over', tokens: Number(text) });
    if (text.trim() === '' || !parsed.success) {
      setError('a whole number of tokens from 1');
      return;
    }
    setError(null);
    setCondition(edgeId, parsed.data as EdgeCondition);
  };

  return (
    <div className={`condition-form nodrag nopan${compact ? ' condition-form-compact' : ''}`}>
      <label className="condition-field">
        <span>Take this edge</span>
        <select
          aria-label="Edge condition"
          value={edge.when.type}
          onChange={(event) =>
            setCondition(edgeId, conditionOf(event.target.value as ConditionType, edge.when))
          }
        >
          {CONDITION_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {edge.when.type === 'context_over' ? (
        <label className="condition-field">
          <span>Tokens</span>
          <input
            aria-label="Context tokens"
            type="number"
            min={1}
            step={500}
            value={draft}
            aria-invalid={error ? true : undefined}
            onChange={(event) => commitTokens(event.target.value)}
          />
          {error ? <span className="field-error">{error}</span> : null}
        </label>
      ) : null}
      <div className="condition-actions">
        {siblings > 1 ? (
          <>
            <span className="muted small">
              tried {rank} of {siblings}
            </span>
            <button
              type="button"
              className="small ghost"
              disabled={rank <= 1}
              onClick={() => reorder(edgeId, -1)}
              title="Try this edge earlier"
            >
              ↑
            </button>
            <button
              type="button"
              className="small ghost"
              disabled={rank >= siblings}
              onClick={() => reorder(edgeId, 1)}
              title="Try this edge later"
            >
              ↓
            </button>
          </>
        ) : null}
        <button type="button" className="small ghost danger" onClick={() => remove([], [edgeId])}>
          Delete edge
        </button>
      </div>
    </div>
  );
}
