import { createContext, type ReactNode, useContext, useState } from 'react';
import { useStore } from 'zustand';
import { createEditorStore, type Editor, type EditorOptions, type EditorStore } from './editorStore.ts';

const EditorContext = createContext<EditorStore | null>(null);

/** One editor store per mounted canvas, so two canvases (or tests) never share a document. */
export function EditorProvider({ children, options }: { children: ReactNode; options?: EditorOptions }) {
  const [store] = useState(() => createEditorStore(options));
  return <EditorContext.Provider value={store}>{children}</EditorContext.Provider>;
}

export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error('useEditor needs an <EditorProvider> above it');
  return store;
}

/** Selects a narrow slice of the editor; components re-render only when that slice changes. */
export function useEditor<T>(selector: (state: Editor) => T): T {
  return useStore(useEditorStore(), selector);
}
