import type { Graph } from '@trellis/shared';
import { fetchGraphVersion, useGraphs, usePresets } from '../../api/graphs.ts';
import { emptyGraph } from '../graphOps.ts';
import { useEditorStore } from '../store/EditorProvider.tsx';
import { isDirty } from '../store/editorStore.ts';
import { useImportExport } from './ImportExport.tsx';
import { usePopover } from './usePopover.ts';

export type Notify = (notice: { tone: 'ok' | 'error'; text: string }) => void;

/** New, import/export, presets and saved graphs. Opening is undoable, so unsaved work is one Ctrl+Z away. */
export function OpenMenu({ notify }: { notify: Notify }) {
  const { open, setOpen, root } = usePopover();
  const files = useImportExport(notify);
  const store = useEditorStore();
  const presets = usePresets();
  const graphs = useGraphs();

  const openGraph = (graph: Graph, from: { graphId?: string; versionId?: string }, what: string) => {
    const dirty = isDirty(store.getState()) && store.getState().graph.nodes.length > 0;
    store.getState().load(graph, from);
    setOpen(false);
    notify({
      tone: 'ok',
      text: dirty ? `Opened ${what}. Ctrl+Z brings back your unsaved changes.` : `Opened ${what}.`,
    });
  };

  return (
    <div className="menu" ref={root}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        File ▾
      </button>
      {files.input}
      {open ? (
        <div className="menu-popover" role="menu" aria-label="File">
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => openGraph(emptyGraph(), {}, 'a new empty graph')}
          >
            <strong>New empty graph</strong>
            <span>Start from nothing and drag nodes in</span>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              setOpen(false);
              files.chooseFile();
            }}
          >
            <strong>Import JSON…</strong>
            <span>Open an exported graph file</span>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              setOpen(false);
              files.download();
            }}
          >
            <strong>Export JSON</strong>
            <span>Download this graph as a file</span>
          </button>
          <h4>Presets</h4>
          {presets.error ? <p className="menu-note">Cannot load presets: {presets.error.message}</p> : null}
          {(presets.data ?? []).map((p) => (
            <button
              key={p.id}
              type="button"
              role="menuitem"
              className="menu-item"
              data-testid={`preset-${p.id}`}
              onClick={() => openGraph(p.graph, {}, `the ${p.name} preset`)}
            >
              <strong>{p.name}</strong>
              <span>{p.description}</span>
            </button>
          ))}
          <h4>Saved graphs</h4>
          {graphs.error ? (
            <p className="menu-note">Cannot load saved graphs: {graphs.error.message}</p>
          ) : null}
          {graphs.data?.length === 0 ? <p className="menu-note">Nothing saved yet.</p> : null}
          {(graphs.data ?? []).map((g) => (
            <button
              key={g.id}
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={async () => {
                try {
                  const version = await fetchGraphVersion(g.headVersionId);
                  openGraph(version.graph, { graphId: version.graphId, versionId: version.id }, g.name);
                } catch (error) {
                  notify({ tone: 'error', text: `Cannot open ${g.name}: ${(error as Error).message}` });
                }
              }}
            >
              <strong>{g.name}</strong>
              <span>
                {g.versionCount} version{g.versionCount === 1 ? '' : 's'} · updated{' '}
                {new Date(g.updatedAt).toLocaleString()}
              </span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
