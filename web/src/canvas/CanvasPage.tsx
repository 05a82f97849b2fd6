import type { NodeKind } from '@trellis/shared';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { Inspector } from '../inspector/Inspector.tsx';
import { useRunEvents } from '../runs/useRunEvents.ts';
import { FlowCanvas } from './FlowCanvas.tsx';
import { IssuesList } from './IssuesList.tsx';
import { DEFAULT_NODE_SIZE } from './layout.ts';
import { Palette } from './Palette.tsx';
import { RunControls } from './run/RunControls.tsx';
import { RunPanel } from './run/RunPanel.tsx';
import { EditorProvider, useEditor, useEditorStore } from './store/EditorProvider.tsx';
import type { Notify } from './toolbar/OpenMenu.tsx';
import { Toolbar } from './toolbar/Toolbar.tsx';
import { VersionsPanel } from './toolbar/VersionsPanel.tsx';
import { useShortcuts } from './useShortcuts.ts';
import { ValidationProvider } from './validation.tsx';
import '../canvas.css';

const LeftPanel = memo(function LeftPanel({
  flowHost,
}: {
  flowHost: React.RefObject<HTMLDivElement | null>;
}) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const addAtCentre = useCallback(
    (kind: NodeKind) => {
      const rect = flowHost.current?.getBoundingClientRect();
      const centre = rect
        ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
        : { x: 0, y: 0 };
      const offset = store.getState().graph.nodes.length * 16;
      store.getState().addNode(kind, {
        x: centre.x - DEFAULT_NODE_SIZE.width / 2 + offset,
        y: centre.y - DEFAULT_NODE_SIZE.height / 2 + offset,
      });
    },
    [flow, store, flowHost],
  );
  return (
    <aside className="canvas-left">
      <Palette onAdd={addAtCentre} />
      <IssuesList />
    </aside>
  );
});

export type PanelTab = 'inspector' | 'versions';

const RightPanel = memo(function RightPanel({
  notify,
  tab,
  onTab,
  onClose,
}: {
  notify: Notify;
  tab: PanelTab;
  onTab: (tab: PanelTab) => void;
  onClose: () => void;
}) {
  return (
    <aside className="canvas-right" aria-label="Side panel">
      <div className="side-tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'inspector'}
          onClick={() => onTab('inspector')}
        >
          Inspector
        </button>
        <button type="button" role="tab" aria-selected={tab === 'versions'} onClick={() => onTab('versions')}>
          Versions
        </button>
        <span className="toolbar-spacer" />
        <button type="button" className="side-close" aria-label="Close the side panel" onClick={onClose}>
          ✕
        </button>
      </div>
      <div className="canvas-right-body" role="tabpanel">
        {tab === 'inspector' ? <Inspector /> : <VersionsPanel notify={notify} />}
      </div>
    </aside>
  );
});

/** Wide windows keep the side panel open; narrower ones open it on selection, to leave the canvas room. */
const WIDE = '(min-width: 1500px)';

function initialTask(): string | null {
  return new URLSearchParams(window.location.search).get('task');
}

function Workbench() {
  const store = useEditorStore();
  const flowHost = useRef<HTMLDivElement>(null);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [saveSignal, setSaveSignal] = useState(0);
  const [taskId, setTaskId] = useState<string | null>(initialTask);
  const [runId, setRunId] = useState<string | null>(null);
  const { view } = useRunEvents(runId);
  const live = runId !== null && view.finished === null;
  const [pinned, setPinned] = useState(() => window.matchMedia(WIDE).matches);
  const [tab, setTab] = useState<PanelTab>('inspector');
  const hasSelection = useEditor((s) => s.selection.nodes.length + s.selection.edges.length > 0);
  const panelOpen = pinned || hasSelection;
  const openPanel = useCallback((next: PanelTab) => {
    setTab(next);
    setPinned(true);
  }, []);
  const closePanel = useCallback(() => {
    setPinned(false);
    store.getState().select({});
  }, [store]);

  const notify = useCallback<Notify>((next) => setNotice(next), []);
  useEffect(() => {
    if (notice?.tone !== 'ok') return;
    const timer = window.setTimeout(() => setNotice(null), 5_000);
    return () => window.clearTimeout(timer);
  }, [notice]);
  const openSave = useCallback(() => setSaveSignal((n) => n + 1), []);
  useShortcuts(store, openSave);

  const runControls = (
    <RunControls
      taskId={taskId}
      onTask={setTaskId}
      live={live}
      onStarted={setRunId}
      onError={(text) => notify({ tone: 'error', text })}
    />
  );

  return (
    <div className="canvas-page">
      <Toolbar notify={notify} saveSignal={saveSignal} run={runControls} onPanel={openPanel} />
      <div className={`canvas-main${panelOpen ? ' with-panel' : ''}`}>
        <LeftPanel flowHost={flowHost} />
        <div className={`canvas-centre${runId ? ' with-run' : ''}`}>
          <div className="canvas-flow-host" ref={flowHost}>
            <FlowCanvas activeNodeId={view.activeNodeId} refitKey={runId ? 'with-run' : 'alone'} />
            {notice ? (
              <div
                className={`canvas-notice canvas-notice-${notice.tone}`}
                role={notice.tone === 'error' ? 'alert' : 'status'}
              >
                <span>{notice.text}</span>
                <button
                  type="button"
                  className="small ghost"
                  aria-label="Dismiss"
                  onClick={() => setNotice(null)}
                >
                  ✕
                </button>
              </div>
            ) : null}
          </div>
          {runId ? <RunPanel runId={runId} view={view} onClose={() => setRunId(null)} /> : null}
        </div>
        {panelOpen ? <RightPanel notify={notify} tab={tab} onTab={setTab} onClose={closePanel} /> : null}
      </div>
    </div>
  );
}

/** The visual scaffold designer: palette, canvas, inspector, versions, validation and runs. */
export function CanvasPage() {
  return (
    <EditorProvider>
      <ValidationProvider>
        <ReactFlowProvider>
          <Workbench />
        </ReactFlowProvider>
      </ValidationProvider>
    </EditorProvider>
  );
}
