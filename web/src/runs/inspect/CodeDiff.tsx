import type { RunEventOf } from '@trellis/shared';
import { useEffect, useRef, useState } from 'react';
import { REASON_LABELS } from '../trace/CorrectionRow.tsx';

type Monaco = typeof import('../../monaco/setup.ts')['monaco'];
type DiffEditor = ReturnType<Monaco['editor']['createDiffEditor']>;

/** Monaco is loaded on first use, so opening a run never waits for the editor bundle. */
function loadMonaco(): Promise<Monaco> {
  return import('../../monaco/setup.ts').then((module) => module.monaco);
}

/** A read-only side-by-side diff of two blocks of Python, Monaco loaded on first use. */
export function DiffEditorView({ before, after }: { before: string; after: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<{ monaco: Monaco; diff: DiffEditor } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    let diff: DiffEditor | null = null;
    loadMonaco().then(
      (monaco) => {
        if (disposed || !host.current) return;
        diff = monaco.editor.createDiffEditor(host.current, {
          readOnly: true,
          originalEditable: false,
          renderSideBySide: true,
          useInlineViewWhenSpaceIsLimited: false,
          automaticLayout: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          renderOverviewRuler: false,
          fontSize: 12.5,
          lineNumbersMinChars: 3,
          wordWrap: 'on',
          diffWordWrap: 'on',
        });
        setEditor({ monaco, diff });
      },
      (error: unknown) => setFailed(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      disposed = true;
      const model = diff?.getModel();
      diff?.dispose();
      model?.original.dispose();
      model?.modified.dispose();
    };
  }, []);

  useEffect(() => {
    if (!editor) return;
    const { monaco, diff } = editor;
    const previous = diff.getModel();
    diff.setModel({
      original: monaco.editor.createModel(before, 'python'),
      modified: monaco.editor.createModel(after, 'python'),
    });
    previous?.original.dispose();
    previous?.modified.dispose();
  }, [editor, before, after]);

  if (failed) return <p className="trace-error">The diff editor could not load: {failed}</p>;
  return (
    <div className="diff-host" ref={host} data-testid="code-diff">
      {editor ? null : <p className="muted diff-loading">Loading the diff editor…</p>}
    </div>
  );
}

/** The agent's code against the corrector's revision, in a side-by-side diff editor. */
export function CodeDiff({ corrections }: { corrections: RunEventOf<'correction'>[] }) {
  const [index, setIndex] = useState(0);
  const reviewed = corrections.filter((c) => c.codeBefore !== '');
  const correction = reviewed[Math.min(index, reviewed.length - 1)];
  if (!correction) {
    return <p className="muted inspect-empty">The corrector did not review code in this step.</p>;
  }
  return (
    <div className="code-diff">
      <div className="diff-facts">
        <strong>{correction.changed ? 'Revised by the corrector' : 'Left unchanged by the corrector'}</strong>
        <span className="tpill">{REASON_LABELS[correction.reason]}</span>
        {reviewed.length > 1 ? (
          <select
            aria-label="Review"
            value={index}
            onChange={(event) => setIndex(Number(event.target.value))}
          >
            {reviewed.map((_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: corrections are only ever appended
              <option key={i} value={i}>
                Review {i + 1} of {reviewed.length}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {correction.rationale ? <p className="correction-rationale">{correction.rationale}</p> : null}
      <div className="diff-sides" aria-hidden="true">
        <span>Agent's code</span>
        <span>Corrector's revision</span>
      </div>
      <DiffEditorView before={correction.codeBefore} after={correction.codeAfter} />
    </div>
  );
}
