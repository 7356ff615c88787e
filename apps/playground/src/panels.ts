import type { Analysis, LinearView } from "./analysis.js";
import type { ErrorInfo, Outcome } from "./errors.js";
import { markResiduals } from "./residuals.js";

/** The elements a run writes into, found by id in index.html. */
export interface PanelElements {
  readonly program: HTMLElement;
  readonly jvp: HTMLElement;
  readonly linear: HTMLElement;
  readonly residuals: HTMLElement;
  readonly transposed: HTMLElement;
  readonly gradSource: HTMLElement;
  readonly value: HTMLElement;
  readonly gradient: HTMLElement;
  readonly errors: HTMLElement;
}

export function findPanels(doc: Document): PanelElements {
  const byId = (id: string) => {
    const el = doc.getElementById(id);
    if (!el) throw new Error(`index.html has no #${id}`);
    return el;
  };
  return {
    program: byId("program"),
    jvp: byId("jvp-program"),
    linear: byId("linear-program"),
    residuals: byId("residuals"),
    transposed: byId("transposed-program"),
    gradSource: byId("grad-source"),
    value: byId("value"),
    gradient: byId("gradient"),
    errors: byId("errors"),
  };
}

/** A stage's error inline in its panel: the class, then the message. */
function showInlineError(el: HTMLElement, error: ErrorInfo): void {
  el.classList.add("failed");
  el.textContent = `${error.name}: ${error.message}`;
}

function showText(el: HTMLElement, outcome: Outcome<string>): void {
  el.classList.remove("failed");
  if (outcome.ok) el.textContent = outcome.value;
  else showInlineError(el, outcome.error);
}

function showLinear(el: HTMLElement, outcome: Outcome<LinearView>): void {
  el.classList.remove("failed");
  if (outcome.ok) el.innerHTML = markResiduals(outcome.value.text, outcome.value.residuals);
  else showInlineError(el, outcome.error);
}

function listResiduals(el: HTMLElement, outcome: Outcome<LinearView>): void {
  el.replaceChildren();
  if (!outcome.ok) return;
  for (const r of outcome.value.residuals) {
    const item = el.ownerDocument.createElement("li");
    const name = el.ownerDocument.createElement("mark");
    name.className = "residual";
    name.textContent = r.name;
    item.append(name, `: ${r.type}`);
    el.append(item);
  }
  if (outcome.value.residuals.length === 0) el.append(el.ownerDocument.createTextNode("no array residuals (scalar residuals are inlined in the program as literals)"));
}

/** One line per failed stage in the error panel, each with the error's class and message. */
export function showErrors(el: HTMLElement, errors: readonly (readonly [string, ErrorInfo])[]): void {
  el.replaceChildren();
  el.hidden = errors.length === 0;
  for (const [stage, error] of errors) {
    const line = el.ownerDocument.createElement("div");
    const name = el.ownerDocument.createElement("strong");
    name.className = "error-class";
    name.textContent = error.name;
    line.append(`${stage}: `, name, `: ${error.message}`);
    el.append(line);
  }
}

/** Every stage's error, named by stage. */
export function errorsOf(analysis: Analysis): [string, ErrorInfo][] {
  const stages: [string, Outcome<unknown> | undefined][] = [
    ["f(x)", analysis.value],
    ["program", analysis.program],
    ["jvp", analysis.jvpProgram],
    ["linearize", analysis.linear],
    ["transpose", analysis.transposed],
    ["grad", analysis.gradient],
    ["grad toSource", analysis.gradSource],
    ["plot", analysis.plot],
  ];
  const seen = new Set<string>();
  const errors: [string, ErrorInfo][] = [];
  for (const [stage, outcome] of stages) {
    if (!outcome || outcome.ok) continue;
    // One failure usually fails several stages alike: say it once, naming the first stage.
    const key = `${outcome.error.name}: ${outcome.error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push([stage, outcome.error]);
  }
  return errors;
}

/** Write a run's programs and values into the page. */
export function showAnalysis(panels: PanelElements, analysis: Analysis): void {
  for (const el of outputs(panels)) el.classList.remove("stale");
  showText(panels.program, analysis.program);
  showText(panels.jvp, analysis.jvpProgram);
  showLinear(panels.linear, analysis.linear);
  listResiduals(panels.residuals, analysis.linear);
  showLinear(panels.transposed, analysis.transposed);
  showText(panels.gradSource, analysis.gradSource);
  showText(panels.value, analysis.value);
  showText(panels.gradient, analysis.gradient);
  showErrors(panels.errors, errorsOf(analysis));
}

/** Before anything could be staged (the code or the arguments failed): keep the last programs, dimmed. */
export function showInputError(panels: PanelElements, stage: string, error: ErrorInfo): void {
  for (const el of outputs(panels)) el.classList.add("stale");
  showErrors(panels.errors, [[stage, error]]);
}

const outputs = (p: PanelElements) => [p.program, p.jvp, p.linear, p.residuals, p.transposed, p.gradSource, p.value, p.gradient];
