import type { VariableDoc } from '@trellis/shared';
import { useEffect, useRef } from 'react';
import { monaco } from '../../monaco/setup.ts';
import {
  forgetModel,
  markVariables,
  PROMPT_LANGUAGE,
  PROMPT_THEME,
  registerPromptLanguage,
  setModelVariables,
} from './promptLanguage.ts';

let modelCounter = 0;

/**
 * A prompt template in Monaco: `{{var}}` placeholders highlighted, the node's variables offered after `{{`, and
 * placeholders the node cannot see marked as errors.
 */
export default function PromptEditor({
  id,
  label,
  value,
  variables,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  variables: VariableDoc[];
  onChange: (value: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const variablesRef = useRef(variables);
  variablesRef.current = variables;
  const applying = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once per edited field
  useEffect(() => {
    registerPromptLanguage();
    const uri = monaco.Uri.parse(`inmemory://prompt/${++modelCounter}/${encodeURIComponent(id)}`);
    const model = monaco.editor.createModel(value, PROMPT_LANGUAGE, uri);
    setModelVariables(uri.toString(), variablesRef.current);
    const instance = monaco.editor.create(host.current!, {
      model,
      theme: PROMPT_THEME,
      ariaLabel: label,
      minimap: { enabled: false },
      wordWrap: 'on',
      lineNumbers: 'off',
      glyphMargin: false,
      folding: false,
      lineDecorationsWidth: 6,
      lineNumbersMinChars: 0,
      scrollBeyondLastLine: false,
      renderLineHighlight: 'none',
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      fontSize: 12.5,
      automaticLayout: true,
      fixedOverflowWidgets: true,
      quickSuggestions: false,
      suggestOnTriggerCharacters: true,
      wordBasedSuggestions: 'off',
      scrollbar: { alwaysConsumeMouseWheel: false, verticalScrollbarSize: 8 },
      padding: { top: 6, bottom: 6 },
    });
    editor.current = instance;
    decorations.current = instance.createDecorationsCollection();
    markVariables(model, decorations.current, variablesRef.current);
    const subscription = model.onDidChangeContent(() => {
      markVariables(model, decorations.current!, variablesRef.current);
      if (!applying.current) onChangeRef.current(model.getValue());
    });
    return () => {
      subscription.dispose();
      instance.dispose();
      forgetModel(uri.toString());
      model.dispose();
      editor.current = null;
    };
  }, []);

  // Outside changes (undo, restore) replace the text; the editor's own edits are already there.
  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model || model.getValue() === value) return;
    applying.current = true;
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null);
    applying.current = false;
  }, [value]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model || !decorations.current) return;
    setModelVariables(model.uri.toString(), variables);
    markVariables(model, decorations.current, variables);
  }, [variables]);

  return (
    <div className="prompt-editor" data-testid={`prompt-${id}`}>
      <div ref={host} className="prompt-editor-host" />
      <p className="prompt-vars">
        {variables.length === 0
          ? 'This node sees no template variables.'
          : `Type {{ for: ${variables.map((v) => v.name).join(', ')}`}
      </p>
    </div>
  );
}
