import {
  Background,
  BackgroundVariant,
  type Connection,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, useCallback, useEffect, useMemo, useRef } from 'react';
import '@xyflow/react/dist/style.css';
import type { Endpoint } from '@trellis/shared';
import { useEndpoints } from '../api/endpoints.ts';
import { kindColor } from '../kindStyle.ts';
import { applyEdgeChanges, applyNodeChanges, deriveEdges, FlowNodeCache } from './derive.ts';
import { edgeTypes } from './edges/ConditionEdge.tsx';
import type { CanvasNode, ConditionFlowEdge } from './flowTypes.ts';
import { connectionProblem } from './graphOps.ts';
import { DEFAULT_NODE_SIZE } from './layout.ts';
import { nodeTypes } from './nodes/nodeTypes.ts';
import { readDraggedKind } from './Palette.tsx';
import { useRunEndpoint } from './run/useRunEndpoint.ts';
import { useEditor, useEditorStore } from './store/EditorProvider.tsx';
import { useKeepGraphInView } from './useKeepGraphInView.ts';
import { useValidation } from './validation.tsx';

const NO_ENDPOINTS: Endpoint[] = [];

/** The React Flow view of the document: nodes and edges derived from the graph, changes sent to the store. */
export function FlowCanvas({
  activeNodeId,
  refitKey,
}: {
  activeNodeId: string | null;
  /** Changes when the canvas's size changes for a reason the user did not make (a run panel opening). */
  refitKey: string;
}) {
  const store = useEditorStore();
  const graph = useEditor((s) => s.graph);
  const selection = useEditor((s) => s.selection);
  const measured = useEditor((s) => s.measured);
  const docId = useEditor((s) => s.origin.docId);
  const { issues } = useValidation();
  const endpoints = useEndpoints().data ?? NO_ENDPOINTS;
  const [run] = useRunEndpoint();
  const cache = useRef(new FlowNodeCache());
  const flow = useReactFlow<CanvasNode, ConditionFlowEdge>();
  const frame = useRef<HTMLDivElement>(null);
  const framingUntil = useRef(0);
  useKeepGraphInView(frame, framingUntil);

  const nodes = useMemo(
    () => cache.current.derive({ graph, selection, measured, issues, activeNodeId, endpoints, run }),
    [graph, selection, measured, issues, activeNodeId, endpoints, run],
  );
  const edges = useMemo(() => deriveEdges({ graph, selection, issues }), [graph, selection, issues]);

  // A newly opened document is framed once its nodes have been measured; so is the graph when a run panel
  // takes part of the canvas.
  // biome-ignore lint/correctness/useExhaustiveDependencies: refit only when another document opens or the frame changes
  useEffect(() => {
    // React Flow queues a fit asked for before any node exists and runs it when the first one appears, which
    // would jump the view away from where that node was dropped: an empty graph is never fitted.
    if (store.getState().graph.nodes.length === 0) return;
    // The fit below is asked for in 60 ms and glides for 200 ms; a resize meanwhile frames again after it.
    framingUntil.current = performance.now() + 60 + 200 + 20;
    const timer = window.setTimeout(
      () => void flow.fitView({ padding: 0.2, maxZoom: 1.1, duration: 200 }),
      60,
    );
    return () => window.clearTimeout(timer);
  }, [docId, refitKey]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) =>
      applyNodeChanges(changes, store.getState().selection, store.getState()),
    [store],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<ConditionFlowEdge>[]) =>
      applyEdgeChanges(changes, store.getState().selection, store.getState()),
    [store],
  );
  const onConnect = useCallback(
    (connection: Connection) => {
      store.getState().connect(connection.source, connection.target);
    },
    [store],
  );
  // Dragging an edge's end onto another handle moves that end; dropped anywhere else, the edge stays as it was.
  const onReconnect = useCallback(
    (edge: ConditionFlowEdge, connection: Connection) => {
      store.getState().reconnect(edge.id, connection.source, connection.target);
    },
    [store],
  );
  const isValidConnection = useCallback(
    (connection: Connection | ConditionFlowEdge) =>
      connectionProblem(store.getState().graph, connection.source, connection.target) === null,
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = readDraggedKind(event.dataTransfer);
      if (!kind) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.getState().addNode(kind, {
        x: at.x - DEFAULT_NODE_SIZE.width / 2,
        y: at.y - DEFAULT_NODE_SIZE.height / 2,
      });
    },
    [flow, store],
  );

  return (
    <div className="canvas-flow" data-testid="canvas" ref={frame}>
      <ReactFlow<CanvasNode, ConditionFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        edgesReconnectable
        onReconnect={onReconnect}
        isValidConnection={isValidConnection}
        onDragOver={onDragOver}
        onDrop={onDrop}
        onPaneClick={() => store.getState().select({})}
        deleteKeyCode={null}
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c9d1dc" />
        <MiniMap
          pannable
          zoomable
          ariaLabel="Minimap"
          nodeColor={(node) => kindColor(node.type)}
          nodeStrokeWidth={2}
        />
        <Controls showInteractive={false} />
      </ReactFlow>
      {graph.nodes.length === 0 ? (
        <div className="canvas-empty">
          <p>
            <strong>Empty scaffold.</strong> Drag a node from the palette, or open a preset.
          </p>
        </div>
      ) : null}
    </div>
  );
}
