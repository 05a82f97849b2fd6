import { ConditionForm } from '../canvas/edges/ConditionForm.tsx';
import { useEditor } from '../canvas/store/EditorProvider.tsx';
import { useValidation } from '../canvas/validation.tsx';
import { GraphSettings } from './GraphSettings.tsx';
import { NodeInspector } from './NodeInspector.tsx';
import '../canvas.css';

function EdgeInspector({ edgeId }: { edgeId: string }) {
  const edge = useEditor((s) => s.graph.edges.find((e) => e.id === edgeId));
  const { issues } = useValidation();
  if (!edge) return null;
  return (
    <section className="insp-section" aria-label="Edge settings">
      <header className="insp-head">
        <div>
          <h2>
            Edge <code>{edge.id}</code>
          </h2>
          <p className="muted small">
            From <code>{edge.from}</code> to <code>{edge.to}</code>. A node's outgoing edges are tried in
            order; the first whose condition holds is followed.
          </p>
        </div>
      </header>
      <ul className="insp-issues">
        {issues
          .filter((i) => i.edgeId === edgeId)
          .map((i) => (
            <li key={i.message} className={`issue-line issue-line-${i.severity}`}>
              {i.message}
            </li>
          ))}
      </ul>
      <ConditionForm edgeId={edgeId} />
    </section>
  );
}

/** Settings for what is selected: one node, one edge, or the graph itself. */
export function Inspector() {
  const nodeId = useEditor((s) =>
    s.selection.nodes.length === 1 && s.selection.edges.length === 0 ? s.selection.nodes[0]! : null,
  );
  const edgeId = useEditor((s) =>
    s.selection.edges.length === 1 && s.selection.nodes.length === 0 ? s.selection.edges[0]! : null,
  );
  const many = useEditor((s) => s.selection.nodes.length + s.selection.edges.length > 1);
  if (nodeId) return <NodeInspector key={nodeId} nodeId={nodeId} />;
  if (edgeId) return <EdgeInspector key={edgeId} edgeId={edgeId} />;
  return (
    <>
      {many ? (
        <p className="insp-note">Several items selected: Delete removes them, Ctrl+D duplicates the nodes.</p>
      ) : null}
      <GraphSettings />
    </>
  );
}
