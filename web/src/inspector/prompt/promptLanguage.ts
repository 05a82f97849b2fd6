import { templateVariables, type VariableDoc } from '@trellis/shared';
import { monaco } from '../../monaco/setup.ts';
// The core editor API ships without the suggest and hover widgets; prompts need both.
import 'monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-editor/esm/vs/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-editor/esm/vs/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css';

export const PROMPT_LANGUAGE = 'trellis-prompt';
export const PROMPT_THEME = 'trellis-prompt';

/** Variables each open prompt model may use, keyed by model URI, for completions. */
const variablesByModel = new Map<string, VariableDoc[]>();

let registered = false;

/** Registers the prompt language once: `{{var}}` tokens, a theme that colours them, and `{{` completions. */
export function registerPromptLanguage(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: PROMPT_LANGUAGE });
  monaco.languages.setMonarchTokensProvider(PROMPT_LANGUAGE, {
    tokenizer: {
      root: [
        [/\{\{\s*[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*\s*\}\}/, 'variable'],
        [/```\w*/, 'fence'],
        [/^#+ .*$/, 'heading'],
        [/[^{`#]+/, ''],
        [/./, ''],
      ],
    },
  });
  monaco.editor.defineTheme(PROMPT_THEME, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'variable', foreground: '1f5fbf', fontStyle: 'bold' },
      { token: 'fence', foreground: '7a8594' },
      { token: 'heading', foreground: '0f6a6b', fontStyle: 'bold' },
    ],
    colors: { 'editor.background': '#fbfcfd', 'editor.lineHighlightBackground': '#00000000' },
  });
  monaco.languages.registerCompletionItemProvider(PROMPT_LANGUAGE, {
    triggerCharacters: ['{', '.'],
    provideCompletionItems(model, position) {
      const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const open = /\{\{\s*([A-Za-z0-9_.]*)$/.exec(before);
      if (!open) return { suggestions: [] };
      const after = model.getLineContent(position.lineNumber).slice(position.column - 1);
      const closed = /^\s*\}\}/.test(after);
      const partial = open[1] ?? '';
      const range = new monaco.Range(
        position.lineNumber,
        position.column - partial.length,
        position.lineNumber,
        position.column,
      );
      const variables = variablesByModel.get(model.uri.toString()) ?? [];
      return {
        suggestions: variables.map((v, i) => ({
          label: v.name,
          kind: monaco.languages.CompletionItemKind.Variable,
          detail: v.description,
          documentation: v.description,
          insertText: closed ? v.name : `${v.name}}}`,
          range,
          sortText: String(i).padStart(3, '0'),
        })),
      };
    },
  });
}

export function setModelVariables(uri: string, variables: VariableDoc[]): void {
  variablesByModel.set(uri, variables);
}

export function forgetModel(uri: string): void {
  variablesByModel.delete(uri);
}

/**
 * Marks every placeholder: known ones with their description on hover, unknown ones in red with a marker
 * that says which variables the node can use.
 */
export function markVariables(
  model: monaco.editor.ITextModel,
  decorations: monaco.editor.IEditorDecorationsCollection,
  variables: VariableDoc[],
): void {
  const known = new Map(variables.map((v) => [v.name, v.description]));
  const text = model.getValue();
  const markers: monaco.editor.IMarkerData[] = [];
  const decorationList: monaco.editor.IModelDeltaDecoration[] = [];
  for (const use of templateVariables(text)) {
    const start = model.getPositionAt(use.offset);
    const end = model.getPositionAt(use.offset + use.length);
    const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
    const description = known.get(use.name);
    if (description !== undefined) {
      decorationList.push({
        range,
        options: {
          inlineClassName: 'tpl-var',
          hoverMessage: { value: `**{{${use.name}}}** — ${description}` },
        },
      });
    } else {
      decorationList.push({ range, options: { inlineClassName: 'tpl-var-unknown' } });
      markers.push({
        severity: monaco.MarkerSeverity.Error,
        message: `{{${use.name}}} is not available here. Available: ${[...known.keys()].map((n) => `{{${n}}}`).join(', ') || 'none'}`,
        startLineNumber: start.lineNumber,
        startColumn: start.column,
        endLineNumber: end.lineNumber,
        endColumn: end.column,
      });
    }
  }
  decorations.set(decorationList);
  monaco.editor.setModelMarkers(model, 'trellis-prompt', markers);
}
