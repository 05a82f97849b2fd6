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
import { EditorProvider, useEditorStore } from './store/EditorProvider.tsx';
import type { Notify } from './toolbar/OpenMenu.tsx';
import { Toolbar } from './toolbar/Toolbar.tsx';
import { VersionsPanel } from './toolbar/VersionsPanel.tsx';
import { useShortcuts } from './useShortcuts.ts';
import { ValidationProvider } from './validation.tsx';
import '../canvas.css';

const LeftPanel = memo(function LeftPanel({ flowHost }: { flowHost: React.RefObject<HTMLDivElement | null> }) {
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

const RightPanel = memo(function RightPanel({ notify }: { notify: Notify }) {
  const [tab, setTab] = useState<'inspector' | 'versions'>('inspector');
  return (
    <aside className="canvas-right">
      <div className="tabs" role="tablist" aria-label="Side panel">
        <button type="button" role="tab" aria-selected={tab === 'inspector'} onClick={() => setTab('inspector')}>
          Inspector
        </button>
        <button type="button" role="tab" aria-selected={tab === 'versions'} onClick={() => setTab('versions')}>
          Versions
        </button>
      </div>
      <div className="canvas-right-body" role="tabpanel">
        {tab === 'inspector' ? <Inspector /> : <VersionsPanel notify={notify} />}
      </div>
    </aside>
  );
});

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
      <Toolbar notify={notify} saveSignal={saveSignal} run={runControls} />
      {notice ? (
        <div className={`canvas-notice canvas-notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" className="small ghost" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ✕
          </button>
        </div>
      ) : null}
      <div className="canvas-main">
        <LeftPanel flowHost={flowHost} />
        <div className={`canvas-centre${runId ? ' with-run' : ''}`}>
          <div className="canvas-flow-host" ref={flowHost}>
            <FlowCanvas activeNodeId={view.activeNodeId} />
          </div>
          {runId ? <RunPanel runId={runId} view={view} onClose={() => setRunId(null)} /> : null}
        </div>
        <RightPanel notify={notify} />
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
