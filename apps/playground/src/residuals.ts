import type { Program } from "lintra";

/** A residual of a linear program: a constant binder's name as printed, and its type. */
export interface Residual {
  readonly name: string;
  readonly type: string;
}

/**
 * The residuals of a linear program: its constant binders, which the printer names first,
 * before the `;` of the header (`{ lambda a:f32[3] b:f32[3] ; c:f32[3] .`).
 */
export function residualsOf(program: Program, text: string): Residual[] {
  const count = program.constBinders.length;
  if (count === 0) return [];
  const header = /^\{ lambda (.*?) ; /.exec(text.split("\n", 1)[0]);
  const binders = header ? header[1].split(" ") : [];
  return binders.slice(0, count).map((b, i) => {
    const colon = b.indexOf(":");
    return { name: b.slice(0, colon), type: String(program.consts[i]?.aval ?? b.slice(colon + 1)) };
  });
}

const escapeHtml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

// A variable name where the printer puts variables: not a primitive (after "= "), a param
// (before "=" or after "="), a type (f32[3]) or a keyword of the printed syntax.
const NAME = /(?<![\w=.])[a-z]+(?![\w[(=])/g;

function isVariablePosition(text: string, at: number, word: string): boolean {
  if (text.slice(Math.max(0, at - 2), at) === "= ") return false;
  if (word === "lambda" && text.slice(at - 2, at) === "{ ") return false;
  if (word === "let" && /^\s*$/.test(text.slice(text.lastIndexOf("\n", at - 1) + 1, at))) return false;
  if (word === "in" && text.startsWith(" (", at + 2)) return false;
  return true;
}

/** The program text as HTML, each residual's name wrapped in `<mark class="residual">`. */
export function markResiduals(text: string, residuals: readonly Residual[]): string {
  const names = new Set(residuals.map((r) => r.name));
  let html = "";
  let last = 0;
  for (const m of text.matchAll(NAME)) {
    const at = m.index;
    if (!names.has(m[0]) || !isVariablePosition(text, at, m[0])) continue;
    html += escapeHtml(text.slice(last, at)) + `<mark class="residual" title="residual">${m[0]}</mark>`;
    last = at + m[0].length;
  }
  return html + escapeHtml(text.slice(last));
}
