import { useEffect, useRef } from 'react';
import { monaco } from '../monaco/setup.ts';

let modelCounter = 0;

/** Editable text in Monaco (Python or plain text); loaded on demand by the dialogs that use it. */
export default function CodeEditor({
  value,
  language,
  label,
  onChange,
}: {
  value: string;
  language: 'python' | 'plaintext';
  label: string;
  onChange: (value: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: created once per mount; the key remounts it for a new text
  useEffect(() => {
    const uri = monaco.Uri.parse(`inmemory://edit/${++modelCounter}`);
    const model = monaco.editor.createModel(value, language, uri);
    const editor = monaco.editor.create(host.current!, {
      model,
      ariaLabel: label,
      minimap: { enabled: false },
      wordWrap: 'on',
      scrollBeyondLastLine: false,
      automaticLayout: true,
      fontSize: 12.5,
      lineNumbersMinChars: 3,
      renderLineHighlight: 'none',
      overviewRulerLanes: 0,
      scrollbar: { alwaysConsumeMouseWheel: false, verticalScrollbarSize: 8 },
      padding: { top: 6, bottom: 6 },
    });
    const subscription = model.onDidChangeContent(() => onChangeRef.current(model.getValue()));
    return () => {
      subscription.dispose();
      editor.dispose();
      model.dispose();
    };
  }, []);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}
