import type { GraphIssue } from '@trellis/shared';
import { useReactFlow } from '@xyflow/react';
import { useEditorStore } from './store/EditorProvider.tsx';
import { useValidation } from './validation.tsx';

/** Every validation issue; clicking one selects and frames the node or edge it concerns. */
export function IssuesList() {
  const { issues, schemaError, errors, warnings } = useValidation();
  const store = useEditorStore();
  const flow = useReactFlow();
  const focus = (issue: GraphIssue) => {
    if (issue.nodeId) {
      store.getState().select({ nodes: [issue.nodeId] });
      void flow.fitView({ nodes: [{ id: issue.nodeId }], duration: 250, maxZoom: 1.1, padding: 0.6 });
    } else if (issue.edgeId) {
      store.getState().select({ edges: [issue.edgeId] });
    } else {
      store.getState().select({});
    }
  };
  const sorted = [...issues].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  return (
    <section className="issues" aria-label="Validation issues">
      <h3>
        Issues{' '}
        <span className="issues-count" data-testid="issue-summary">
          {errors === 0 && warnings === 0
            ? 'none'
            : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`}
        </span>
      </h3>
      {errors === 0 && warnings === 0 ? <p className="muted small">The graph is valid.</p> : null}
      <ul>
        {schemaError ? (
          <li className="issue issue-error">
            <span className="issue-text">{schemaError}</span>
          </li>
        ) : null}
        {sorted.map((issue) => (
          <li key={`${issue.code}:${issue.nodeId ?? issue.edgeId ?? issue.field ?? ''}:${issue.message}`}>
            <button type="button" className={`issue issue-${issue.severity}`} onClick={() => focus(issue)}>
              <span className="issue-where">{issue.nodeId ?? issue.edgeId ?? issue.field ?? 'graph'}</span>
              <span className="issue-text">{issue.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
