import type { ForkEdit, ForkFinding } from '@trellis/shared';
import { LineDiffView } from './LineDiffView.tsx';

const isText = (value: unknown): value is string => typeof value === 'string';

/** A fork's edit as it was recorded: one line per change, text changes as line diffs, and what rebuilding found. */
export function ForkEditView({ edit, findings }: { edit: ForkEdit | null; findings: ForkFinding[] }) {
  return (
    <div className="fork-edit-view">
      {edit === null ? (
        <p className="muted small">No edit was recorded.</p>
      ) : (
        <>
          {edit.fromVersionId !== edit.toVersionId ? (
            <p className="small">
              Graph version <code>{edit.fromVersionId}</code> → <code>{edit.toVersionId}</code>
            </p>
          ) : null}
          <ul className="review-list">
            {edit.summary.map((line) => (
              <li key={line} className="review-item">
                <span className="review-line">{line}</span>
              </li>
            ))}
          </ul>
          {edit.changes
            .filter(
              (c) =>
                isText(c.before) && isText(c.after) && (c.before.includes('\n') || c.after.includes('\n')),
            )
            .map((change) => (
              <div key={change.path} className="review-item">
                <span className="review-line">{change.path}</span>
                <LineDiffView
                  before={change.before as string}
                  after={change.after as string}
                  label={change.path}
                />
              </div>
            ))}
          {edit.reply ? (
            <div className="review-item">
              <span className="review-line">
                Step {edit.reply.step} {edit.reply.nodeId ?? 'agent'} reply
              </span>
              <LineDiffView before={edit.reply.before} after={edit.reply.after} label="Edited reply" />
            </div>
          ) : null}
        </>
      )}
      {findings.length > 0 ? (
        <div className="fork-findings">
          <h3>Rebuilding the recorded steps found</h3>
          <ul>
            {findings.map((finding) => (
              <li key={`${finding.step}:${finding.kind}:${finding.message}`} className="small">
                Step {finding.step} ({finding.kind}): {finding.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
