import { callsModel, type EditorField, type GraphNode, nodeKindSpec } from '@trellis/shared';
import { nodeIdProblem } from '../canvas/graphOps.ts';
import { useEditor, useEditorStore } from '../canvas/store/EditorProvider.tsx';
import { useValidation } from '../canvas/validation.tsx';
import { kindStyle } from '../kindStyle.ts';
import { BindingFields, llmOf } from './BindingFields.tsx';
import { FieldControl } from './FieldControl.tsx';
import { BINDING_KEYS, editField, getPath, isFieldVisible } from './fieldPath.ts';
import { NodeIdInput } from './NodeIdInput.tsx';
import { TextInput } from './TextInput.tsx';

/**
 * The selected node's settings, rendered from its kind's field descriptions: no kind has inspector code of its
 * own. LLM kinds also get the endpoint and model binding.
 */
export function NodeInspector({ nodeId }: { nodeId: string }) {
  const store = useEditorStore();
  const node = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId));
  const isEntry = useEditor((s) => s.graph.entry === nodeId);
  const defaults = useEditor((s) => s.graph.defaults);
  const { issues } = useValidation();
  if (!node) return null;
  const spec = nodeKindSpec(node.kind);
  const mine = issues.filter((i) => i.nodeId === nodeId);
  const issuesFor = (field: string) => mine.filter((i) => i.field === field).map((i) => i.message);
  const fields = spec.fields.filter((f) => !BINDING_KEYS.has(f.key) && isFieldVisible(node.config, f));
  const shownFields = new Set([
    ...fields.map((f) => `config.${f.key}`),
    ...(spec.llm ? ['config.llm.endpointId'] : []),
  ]);
  const general = mine.filter((i) => !i.field || !shownFields.has(i.field));

  const latest = (): GraphNode | undefined => store.getState().graph.nodes.find((n) => n.id === nodeId);
  const commit = (field: EditorField) => (value: unknown) => {
    const current = latest();
    if (!current) return null;
    const result = editField(current, field, value);
    if (!result.ok) return result.message;
    store.getState().updateNode({ ...current, config: result.config } as GraphNode, `${nodeId}:${field.key}`);
    return null;
  };
  const llm = llmOf(node);

  return (
    <section className="insp-section" aria-label={`${spec.label} settings`}>
      <header className="insp-head" style={kindStyle(node.kind)}>
        <span className="insp-glyph" aria-hidden="true">
          {spec.presentation.glyph}
        </span>
        <div>
          <h2>
            {spec.label} <code>{node.id}</code>
          </h2>
          <p className="muted small">{spec.description}</p>
        </div>
      </header>
      {general.length > 0 ? (
        <ul className="insp-issues" aria-label="Node issues">
          {general.map((issue) => (
            <li key={issue.message} className={`issue-line issue-line-${issue.severity}`}>
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="insp-grid">
        <TextInput
          label="Label"
          value={node.label}
          max={80}
          onCommit={(label) => {
            const current = latest();
            if (current) store.getState().updateNode({ ...current, label }, `${nodeId}:label`);
          }}
        />
        <NodeIdInput
          id={nodeId}
          problemWith={(next) => nodeIdProblem(store.getState().graph, nodeId, next)}
          onRename={(next) => store.getState().renameNode(nodeId, next)}
        />
        <div className="field field-wide field-entry">
          <span className="field-label">Turn entry</span>
          {isEntry ? (
            <span className="entry-note">Each turn starts here</span>
          ) : (
            <button
              type="button"
              className="small"
              onClick={() => store.getState().updateGraph((g) => ({ ...g, entry: nodeId }))}
            >
              Start turns here
            </button>
          )}
        </div>
        {llm ? (
          <BindingFields
            llm={llm}
            defaults={defaults}
            issuesFor={issuesFor}
            onChange={(next) => {
              const current = latest();
              if (current && callsModel(current))
                store
                  .getState()
                  .updateNode({ ...current, config: { ...current.config, llm: next } } as GraphNode);
            }}
          />
        ) : null}
        {fields.map((field) => (
          <FieldControl
            key={field.key}
            id={`${nodeId}/${field.key}`}
            field={field}
            value={getPath(node.config, field.key)}
            onCommit={commit(field)}
            issues={issuesFor(`config.${field.key}`)}
            variables={spec.variables}
          />
        ))}
      </div>
      <div className="insp-actions">
        <button
          type="button"
          className="small"
          onClick={() => {
            store.getState().select({ nodes: [nodeId] });
            store.getState().duplicateSelection();
          }}
        >
          Duplicate
        </button>
        <button
          type="button"
          className="small ghost danger"
          onClick={() => store.getState().remove([nodeId], [])}
        >
          Delete node
        </button>
      </div>
    </section>
  );
}
