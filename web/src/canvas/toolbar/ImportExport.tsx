import { type ReactNode, useCallback, useRef } from 'react';
import { exportFileName, exportGraph, importGraph } from '../io.ts';
import { useEditorStore } from '../store/EditorProvider.tsx';
import type { Notify } from './OpenMenu.tsx';

/** Export the graph as a JSON file; import one, checked against the graph schema with a clear error. */
export function useImportExport(notify: Notify): {
  download: () => void;
  chooseFile: () => void;
  input: ReactNode;
} {
  const store = useEditorStore();
  const fileInput = useRef<HTMLInputElement>(null);

  const download = useCallback(() => {
    const graph = store.getState().graph;
    const url = URL.createObjectURL(new Blob([exportGraph(graph)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(graph);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }, [store]);

  const upload = async (file: File) => {
    const result = importGraph(await file.text());
    if (!result.ok) {
      notify({ tone: 'error', text: `Cannot import ${file.name}: ${result.error}` });
      return;
    }
    store.getState().load(result.graph);
    notify({ tone: 'ok', text: `Imported ${result.graph.name} from ${file.name}.` });
  };

  const input = (
    <input
      ref={fileInput}
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
  );
  return { download, chooseFile: () => fileInput.current?.click(), input };
}
