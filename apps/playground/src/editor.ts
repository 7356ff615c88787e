import { javascript } from "@codemirror/lang-javascript";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";

/** The code editor: TypeScript highlighting, brackets closed as you type, `onChange` on every edit. */
export interface CodeEditor {
  text(): string;
  setText(text: string): void;
}

export function createEditor(parent: HTMLElement, doc: string, onChange: () => void): CodeEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        javascript({ typescript: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": "function to differentiate" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange();
        }),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
  };
}
