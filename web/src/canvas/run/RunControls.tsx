import { Graph } from '@trellis/shared';
import { useMemo } from 'react';
import { useEndpoints } from '../../api/endpoints.ts';
import { useStartRun } from '../../api/runs.ts';
import { TaskPicker } from '../../tasks/TaskPicker.tsx';
import { useEditor, useEditorStore } from '../store/EditorProvider.tsx';
import { isDirty } from '../store/editorStore.ts';
import { runBlocker, useValidation } from '../validation.tsx';
import { RunEndpointSelect } from './RunEndpointSelect.tsx';
import { runBinding } from './runEndpoint.ts';
import { useRunEndpoint } from './useRunEndpoint.ts';

/**
 * Endpoint and task choice and the Run button. An invalid graph cannot run: the button is disabled and the reason
 * is shown beside it. A saved, unchanged graph runs by version id; anything else runs inline (the server saves
 * it first).
 */
export function RunControls({
  taskId,
  onTask,
  live,
  onStarted,
  onError,
}: {
  taskId: string | null;
  onTask: (id: string) => void;
  live: boolean;
  onStarted: (runId: string) => void;
  onError: (message: string) => void;
}) {
  const store = useEditorStore();
  const graph = useEditor((s) => s.graph);
  const { endpointIds } = useValidation();
  const start = useStartRun();
  const endpoints = useEndpoints();
  const [endpoint, setEndpoint] = useRunEndpoint();
  const blocker = useMemo(() => runBlocker(graph, endpointIds, endpoint), [graph, endpointIds, endpoint]);
  const reason = live
    ? 'a run is in progress'
    : !taskId
      ? 'choose a task to run on'
      : blocker
        ? `the graph is invalid: ${blocker}`
        : null;

  const run = async () => {
    const state = store.getState();
    if (!taskId) return;
    const saved = state.origin.versionId && !isDirty(state);
    const defaultModel = endpoints.data?.find((e) => e.id === endpoint.endpointId)?.defaultModel ?? null;
    const binding = runBinding(state.graph, endpoint, defaultModel);
    try {
      const detail = await start.mutateAsync(
        saved
          ? { graphVersionId: state.origin.versionId!, taskId, ...binding }
          : { graph: Graph.parse(state.graph), taskId, ...binding },
      );
      onStarted(detail.id);
    } catch (error) {
      onError(`Cannot start the run: ${(error as Error).message}`);
    }
  };

  return (
    <div className="toolbar-group run-controls">
      <RunEndpointSelect value={endpoint} onChange={setEndpoint} />
      <div className="run-go">
        <TaskPicker value={taskId} onChange={onTask} />
        <button
          type="button"
          className="primary"
          disabled={reason !== null || start.isPending}
          aria-describedby="run-blocker"
          onClick={run}
          title={reason ? `Cannot run: ${reason}` : 'Run this graph on the task'}
        >
          {start.isPending ? 'Starting…' : '▶ Run'}
        </button>
        {reason && !live ? (
          <span
            id="run-blocker"
            className={`run-blocker run-note${blocker && taskId ? ' run-blocker-invalid' : ''}`}
            data-testid="run-blocker"
            title={reason}
          >
            {reason}
          </span>
        ) : null}
      </div>
    </div>
  );
}
