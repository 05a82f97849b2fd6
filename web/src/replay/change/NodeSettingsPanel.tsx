import { type EditorField, type Graph, type GraphNode, nodeKindSpec } from '@trellis/shared';
import { useState } from 'react';
import { FieldControl } from '../../inspector/FieldControl.tsx';
import { BINDING_KEYS, editField, getPath, isFieldVisible } from '../../inspector/fieldPath.ts';
import { kindStyle } from '../../kindStyle.ts';
import type { ChangeDraft } from './changeDraft.ts';
// The inspector's field styles, as the canvas shows them.
import '../../canvas.css';

/**
 * Any node's settings and prompts, edited with the inspector's own fields (rendered from each kind's field
 * descriptions) on a copy of the graph: nothing is saved until the run starts.
 */
export function NodeSettingsPanel({
  base,
  draft,
  onDraft,
  idPrefix,
}: {
  base: Graph;
  draft: ChangeDraft;
  onDraft: (draft: ChangeDraft) => void;
  /** Keeps the prompt editors' identities apart from the canvas's. */
  idPrefix: string;
}) {
  const [selected, setSelected] = useState(base.nodes[0]?.id ?? '');
  const original = base.nodes.find((n) => n.id === selected);
  const node = draft.nodes[selected] ?? original;
  const edited = (id: string) =>
    draft.nodes[id] !== undefined &&
    JSON.stringify(draft.nodes[id]) !== JSON.stringify(base.nodes.find((n) => n.id === id));

  const commit = (field: EditorField) => (value: unknown) => {
    const current = draft.nodes[selected] ?? original;
    if (!current) return null;
    const result = editField(current, field, value);
    if (!result.ok) return result.message;
    onDraft({
      ...draft,
      nodes: { ...draft.nodes, [selected]: { ...current, config: result.config } as GraphNode },
    });
    return null;
  };

  const reset = () => {
    const { [selected]: _dropped, ...rest } = draft.nodes;
    onDraft({ ...draft, nodes: rest });
  };

  const spec = node ? nodeKindSpec(node.kind) : null;
  return (
    <div className="node-settings">
      <ul className="node-pick" aria-label="Nodes">
        {base.nodes.map((n) => (
          <li key={n.id}>
            <button
              type="button"
              className={`node-pick-item${n.id === selected ? ' is-selected' : ''}`}
              style={kindStyle(n.kind)}
              aria-pressed={n.id === selected}
              onClick={() => setSelected(n.id)}
            >
              <span className="node-pick-glyph" aria-hidden="true">
                {nodeKindSpec(n.kind).presentation.glyph}
              </span>
              <span className="node-pick-name">{n.label || n.id}</span>
              {edited(n.id) ? <span className="node-pick-edited">edited</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {node && spec ? (
        <section className="node-fields" aria-label={`${node.id} settings`}>
          <header className="node-fields-head">
            <h3>
              {spec.label} <code>{node.id}</code>
            </h3>
            {edited(node.id) ? (
              <button type="button" className="link small" onClick={reset}>
                Undo this node's edits
              </button>
            ) : null}
          </header>
          <div className="insp-grid">
            {spec.fields
              .filter((f) => !BINDING_KEYS.has(f.key) && isFieldVisible(node.config, f))
              .map((field) => (
                <FieldControl
                  key={`${node.id}/${field.key}`}
                  id={`${idPrefix}/${node.id}/${field.key}`}
                  field={field}
                  value={getPath(node.config, field.key)}
                  onCommit={commit(field)}
                  issues={[]}
                  variables={spec.variables}
                />
              ))}
          </div>
        </section>
      ) : (
        <p className="muted">This graph has no nodes.</p>
      )}
    </div>
  );
}
