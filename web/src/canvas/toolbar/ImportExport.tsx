import { useRef } from 'react';
import { exportFileName, exportGraph, importGraph } from '../io.ts';
import { useEditorStore } from '../store/EditorProvider.tsx';
import type { Notify } from './OpenMenu.tsx';

/** Export the graph as a JSON file; import one, checked against the graph schema. */
export function ImportExport({ notify }: { notify: Notify }) {
  const store = useEditorStore();
  const input = useRef<HTMLInputElement>(null);

  const download = () => {
    const graph = store.getState().graph;
    const url = URL.createObjectURL(new Blob([exportGraph(graph)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(graph);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  const upload = async (file: File) => {
    const result = importGraph(await file.text());
    if (!result.ok) {
      notify({ tone: 'error', text: `Cannot import ${file.name}: ${result.error}` });
      return;
    }
    store.getState().load(result.graph);
    notify({ tone: 'ok', text: `Imported ${result.graph.name} from ${file.name}.` });
  };

  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        Import
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        data-testid="import-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void upload(file);
        }}
      />
      <button type="button" onClick={download}>
        Export
      </button>
    </>
  );
}
