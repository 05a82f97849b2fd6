import { useReactFlow } from '@xyflow/react';
import { memo, type ReactNode } from 'react';
import { useEditor } from '../store/EditorProvider.tsx';
import { isDirty } from '../store/editorStore.ts';
import { type Notify, OpenMenu } from './OpenMenu.tsx';
import { SaveButton } from './SaveButton.tsx';

function DocStatus() {
  const name = useEditor((s) => s.graph.name);
  const versionId = useEditor((s) => s.origin.versionId);
  const dirty = useEditor((s) => isDirty(s));
  const status = versionId
    ? dirty
      ? `unsaved changes to ${versionId.slice(0, 11)}`
      : `saved · ${versionId.slice(0, 11)}`
    : 'not saved yet';
  return (
    <div className="doc-status">
      <strong title={name}>{name}</strong>
      <span className={dirty ? 'doc-dirty' : 'doc-clean'} data-testid="doc-status">
        {status}
      </span>
    </div>
  );
}

function EditButtons() {
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const undo = useEditor((s) => s.undo);
  const redo = useEditor((s) => s.redo);
  const autoLayout = useEditor((s) => s.autoLayout);
  const flow = useReactFlow();
  return (
    <div className="toolbar-group">
      <button
        type="button"
        className="icon"
        onClick={undo}
        disabled={!canUndo}
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
      >
        ↶
      </button>
      <button
        type="button"
        className="icon"
        onClick={redo}
        disabled={!canRedo}
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
      >
        ↷
      </button>
      <button
        type="button"
        onClick={() => {
          autoLayout();
          setTimeout(() => void flow.fitView({ padding: 0.2, duration: 250, maxZoom: 1.1 }), 30);
        }}
        title="Arrange the nodes left to right from the entry"
      >
        Auto-layout
      </button>
      <button type="button" onClick={() => void flow.fitView({ padding: 0.2, duration: 250, maxZoom: 1.1 })}>
        Fit view
      </button>
    </div>
  );
}

/** The canvas's command bar: document, edit and run controls. */
export const Toolbar = memo(function Toolbar({
  notify,
  saveSignal,
  run,
  onPanel,
}: {
  notify: Notify;
  saveSignal: number;
  run: ReactNode;
  onPanel: (tab: 'inspector' | 'versions') => void;
}) {
  return (
    <div className="canvas-toolbar">
      <DocStatus />
      <div className="toolbar-group">
        <OpenMenu notify={notify} />
        <SaveButton notify={notify} openSignal={saveSignal} />
      </div>
      <EditButtons />
      <div className="toolbar-group">
        <button type="button" onClick={() => onPanel('inspector')} title="Graph name, defaults and limits">
          Settings
        </button>
        <button type="button" onClick={() => onPanel('versions')} title="Saved versions of this graph">
          Versions
        </button>
      </div>
      <div className="toolbar-spacer" />
      {run}
    </div>
  );
});
