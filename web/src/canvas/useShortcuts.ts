import { useEffect } from 'react';
import type { EditorStore } from './store/editorStore.ts';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return true;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Canvas keys: Delete/Backspace, Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z (or Ctrl+Y), Ctrl/Cmd+D, Ctrl/Cmd+S. Text fields
 * keep their own undo and delete; saving works from anywhere.
 */
export function useShortcuts(store: EditorStore, onSave: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        onSave();
        return;
      }
      if (isEditable(event.target) || event.defaultPrevented) return;
      const state = store.getState();
      if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) {
        event.preventDefault();
        state.removeSelection();
      } else if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        state.redo();
      } else if (mod && key === 'd') {
        event.preventDefault();
        state.duplicateSelection();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, onSave]);
}
