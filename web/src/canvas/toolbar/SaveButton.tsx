import { describeZodError, Graph } from '@trellis/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSaveGraphVersion } from '../../api/graphs.ts';
import { useEditor, useEditorStore } from '../store/EditorProvider.tsx';
import { isDirty } from '../store/editorStore.ts';
import type { Notify } from './OpenMenu.tsx';
import { usePopover } from './usePopover.ts';

/** Saves the graph as a new immutable version with a message. `openSignal` changes open it (Ctrl+S). */
export function SaveButton({ notify, openSignal }: { notify: Notify; openSignal: number }) {
  const { open, setOpen, root } = usePopover();
  const store = useEditorStore();
  const dirty = useEditor((s) => isDirty(s));
  const save = useSaveGraphVersion();
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (openSignal > 0) setOpen(true);
  }, [openSignal, setOpen]);
  useEffect(() => {
    if (open) {
      setError(null);
      field.current?.focus();
    }
  }, [open]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { graph, origin } = store.getState();
    const parsed = Graph.safeParse(graph);
    if (!parsed.success) {
      setError(`The graph cannot be saved yet: ${describeZodError(parsed.error)}`);
      return;
    }
    try {
      const version = await save.mutateAsync({
        graph: parsed.data,
        message: message.trim(),
        ...(origin.graphId ? { graphId: origin.graphId } : {}),
        ...(origin.versionId ? { parentId: origin.versionId } : {}),
      });
      store.getState().markSaved({ graphId: version.graphId, id: version.id, graph: version.graph });
      setOpen(false);
      setMessage('');
      notify({
        tone: 'ok',
        text: `Saved version ${version.id.slice(0, 11)}${message.trim() ? ` — ${message.trim()}` : ''}.`,
      });
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <div className="menu" ref={root}>
      <button
        type="button"
        className={dirty ? 'primary' : undefined}
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        title="Save as a new version (Ctrl+S)"
      >
        Save version
      </button>
      {open ? (
        <form className="menu-popover save-popover" aria-label="Save version" onSubmit={submit}>
          <label className="field">
            <span className="field-label">What changed?</span>
            <input
              ref={field}
              value={message}
              maxLength={2000}
              placeholder="e.g. raise the summarizer threshold"
              onChange={(event) => setMessage(event.target.value)}
            />
          </label>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="actions">
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
