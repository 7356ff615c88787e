import "uplot/dist/uPlot.min.css";
import "./style.css";
import { analyze } from "./analysis.js";
import { BACKENDS, type BackendName, currentBackend, switchBackend } from "./backends.js";
import { createEditor } from "./editor.js";
import { describeError } from "./errors.js";
import { evaluateArguments, evaluateFunction } from "./evaluate.js";
import { examples } from "./examples.js";
import { DerivativePlot } from "./plots.js";
import { findPanels, showAnalysis, showInputError } from "./panels.js";

/** How long typing must pause before the page re-stages the function, in ms. */
const DEBOUNCE_MS = 300;

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

const panels = findPanels(document);
const argsInput = element<HTMLInputElement>("args");
const exampleMenu = element<HTMLSelectElement>("examples");
const backendMenu = element<HTMLSelectElement>("backend");
const backendLabel = element("backend-name");
const timing = element("timing");
const plotSection = element("plots");
const plot = new DerivativePlot(element("plot"));

// body[data-runs] counts finished runs; body[data-pending] is there while one is scheduled.
let runs = 0;

/** Evaluate the code and arguments, stage every program, and show them (or what failed). */
function update(): void {
  const started = performance.now();
  backendLabel.textContent = currentBackend();
  try {
    let f: (...args: unknown[]) => unknown;
    let args: unknown[];
    try {
      f = evaluateFunction(editor.text());
    } catch (e) {
      return failed("code", e);
    }
    try {
      args = evaluateArguments(argsInput.value);
    } catch (e) {
      return failed("arguments", e);
    }
    const analysis = analyze(f, args);
    showAnalysis(panels, analysis);
    plotSection.hidden = !analysis.plot?.ok;
    if (analysis.plot?.ok) plot.show(analysis.plot.value);
    else plot.clear();
    timing.textContent = `${(performance.now() - started).toFixed(0)} ms`;
  } catch (e) {
    failed("page", e);
  } finally {
    delete document.body.dataset.pending;
    document.body.dataset.runs = String(++runs);
  }
}

function failed(stage: string, e: unknown): void {
  showInputError(panels, stage, describeError(e));
  timing.textContent = "";
}

let pending: ReturnType<typeof setTimeout> | undefined;
function scheduleUpdate(): void {
  clearTimeout(pending);
  document.body.dataset.pending = "";
  pending = setTimeout(update, DEBOUNCE_MS);
}

function loadExample(index: number): void {
  const example = examples[index];
  argsInput.value = example.args;
  editor.setText(example.code);
  clearTimeout(pending);
  update();
}

for (const [i, example] of examples.entries()) exampleMenu.add(new Option(example.name, String(i)));
exampleMenu.addEventListener("change", () => loadExample(Number(exampleMenu.value)));

for (const name of BACKENDS) backendMenu.add(new Option(name, name));
backendMenu.value = currentBackend();
backendMenu.addEventListener("change", async () => {
  const switched = await switchBackend(backendMenu.value as BackendName);
  if (switched.ok) return update();
  backendMenu.value = currentBackend();
  showInputError(panels, "backend", switched.error);
});

argsInput.addEventListener("input", scheduleUpdate);
const editor = createEditor(element("editor"), "", scheduleUpdate);
loadExample(0);
