import { np } from "lintra";
import { describe, expect, it } from "vitest";
import { PLOT_POINTS, analyze } from "../src/analysis.js";
import { InputError } from "../src/errors.js";
import { evaluateArguments, evaluateFunction } from "../src/evaluate.js";
import { examples } from "../src/examples.js";
import { errorsOf } from "../src/panels.js";
import { markResiduals } from "../src/residuals.js";

// What the page computes, in Node: no DOM, no browser.

const sinTimesX = evaluateFunction("(x: np.Array) => np.sum(np.sin(x).mul(x))");
const x = np.array([1, 2, 3]);

function ok<T>(outcome: { ok: true; value: T } | { ok: false; error: { name: string; message: string } } | undefined): T {
  if (!outcome) throw new Error("stage absent");
  if (!outcome.ok) throw new Error(`${outcome.error.name}: ${outcome.error.message}`);
  return outcome.value;
}

describe("evaluateFunction", () => {
  it("strips type annotations and returns the last expression statement", () => {
    const f = evaluateFunction("const k: number = 2;\nconst w = np.array([1, 2]);\n(x: np.Array): np.Array => np.sum(x.mul(w).mul(k));");
    expect(f(np.array([3, 4]))).toBeAllclose(22);
  });

  it("refuses code that does not end with a function", () => {
    expect(() => evaluateFunction("const f = (x) => x;")).toThrow(InputError);
    expect(() => evaluateFunction("np.ones([2])")).toThrow(/must end with the function/);
  });

  it("reports syntax errors as thrown", () => {
    expect(() => evaluateFunction("(x) => np.sum(")).toThrow(SyntaxError);
  });
});

describe("evaluateArguments", () => {
  it("reads several comma-separated arguments; a number is a float32 scalar array", () => {
    const [a, b] = evaluateArguments("0.5, np.ones([2])") as np.Array[];
    expect(a.shape).toEqual([]);
    expect(a.dtype).toBe("float32");
    expect(b.shape).toEqual([2]);
  });

  it("needs at least one argument", () => {
    expect(() => evaluateArguments("  ")).toThrow(InputError);
  });
});

describe("analyze", () => {
  const analysis = analyze(sinTimesX, [x]);

  it("stages the program and its JVP", () => {
    expect(ok(analysis.program)).toMatch(/^\{ lambda a:f32\[3\] \.\n {2}let b:f32\[3\] = sin a/);
    expect(ok(analysis.jvpProgram)).toMatch(/^\{ lambda a:f32\[3\] b:f32\[3\] \./);
    expect(ok(analysis.jvpProgram)).toContain("cos a");
  });

  it("lists the linearized program's residuals: its constant binders", () => {
    const linear = ok(analysis.linear);
    expect(linear.residuals).toEqual([
      { name: "a", type: "f32[3]" },
      { name: "b", type: "f32[3]" },
      { name: "c", type: "f32[3]" },
    ]);
    expect(linear.text).toMatch(/^\{ lambda a:f32\[3\] b:f32\[3\] c:f32\[3\] ; d:f32\[3\] \./);
    expect(linear.text).not.toMatch(/\b(sin|cos)\b/);
  });

  it("transposes the linear program over the same residuals", () => {
    const transposed = ok(analysis.transposed);
    expect(transposed.residuals.map((r) => r.type)).toEqual(["f32[3]", "f32[3]", "f32[3]"]);
    expect(transposed.text).toMatch(/; d:f32\[\] \./);
    expect(transposed.text).toContain("broadcast_in_dim");
  });

  it("prints the gradient as standalone JavaScript that computes it", () => {
    const source = ok(analysis.gradSource);
    const [g] = new Function(`return ${source}`)()(new Float32Array([1, 2, 3])) as Float32Array[];
    expect(Array.from(g)).toBeAllclose([1, 2, 3].map((v) => v * Math.cos(v) + Math.sin(v)), { rtol: 1e-5 });
  });

  it("evaluates f and its gradient", () => {
    expect(Number(ok(analysis.value))).toBeAllclose(Math.sin(1) + 2 * Math.sin(2) + 3 * Math.sin(3), { rtol: 1e-5 });
    expect(ok(analysis.gradient)).toMatch(/^\[[-\d.]+, [-\d.]+, [-\d.]+\]$/);
    expect(analysis.plot).toBeUndefined();
  });

  it("samples f, f′ and f″ of a scalar function of one scalar", () => {
    const plot = ok(analyze(evaluateFunction("(x) => np.sin(x)"), [np.array(0.5)]).plot);
    expect(plot.point).toBe(0.5);
    expect(plot.xs).toHaveLength(PLOT_POINTS);
    expect(plot.df).toBeAllclose(plot.xs.map(Math.cos), { atol: 1e-5 });
    expect(plot.d2f).toBeAllclose(plot.xs.map((t) => -Math.sin(t)), { atol: 1e-5 });
  });

  it("gives each argument its gradient when there are several", () => {
    const f = evaluateFunction("(a, b) => np.sum(a.mul(b))");
    expect(ok(analyze(f, [np.array([1, 2]), np.array([3, 4])]).gradient)).toBe("[[3, 4], [1, 2]]");
  });

  it("keeps a failure to the stages it fails, naming the typed error once", () => {
    const f = evaluateFunction("(x) => np.add(x, np.ones([3]))");
    const failed = analyze(f, [np.ones([2])]);
    expect(failed.program.ok).toBe(false);
    const errors = errorsOf(failed);
    expect(errors).toHaveLength(1);
    expect(errors[0][1].name).toBe("ShapeError");
    expect(errors[0][1].message).toMatch(/add/);
  });

  it("says grad of a non-scalar output is a TransformError while the programs still show", () => {
    const vector = analyze(evaluateFunction("(x) => np.sin(x)"), [x]);
    expect(ok(vector.program)).toContain("sin");
    expect(ok(vector.linear).residuals).toHaveLength(1);
    expect(errorsOf(vector).map(([, e]) => e.name)).toEqual(["TransformError"]);
  });

  it.each(examples.map((e) => [e.name, e] as const))("runs the example %s without errors", (_name, example) => {
    const result = analyze(evaluateFunction(example.code), evaluateArguments(example.args));
    expect(errorsOf(result)).toEqual([]);
  });
});

describe("markResiduals", () => {
  const text = "{ lambda a:f32[3] b:f32[3] ; c:f32[3] .\n  let d:f32[3] = mul c a\n      e:f32[] = reduce_sum[axes=[0]] d\n  in ( e ) }";

  it("marks each residual where the program binds and uses it, and nothing else", () => {
    const html = markResiduals(text, [
      { name: "a", type: "f32[3]" },
      { name: "b", type: "f32[3]" },
    ]);
    expect(html.match(/<mark class="residual" title="residual">a<\/mark>/g)).toHaveLength(2);
    expect(html.match(/<mark class="residual" title="residual">b<\/mark>/g)).toHaveLength(1);
    expect(html.replaceAll(/<\/?mark[^>]*>/g, "")).toBe(text);
  });

  it("leaves primitive names, params and keywords alone and escapes HTML", () => {
    const html = markResiduals("{ lambda in:f32[] ; let:f32[] .\n  let mul:f32[] = mul in let\n  in ( mul ) } <", [
      { name: "in", type: "f32[]" },
      { name: "mul", type: "f32[]" },
    ]);
    expect(html).toContain("= mul <mark");
    expect(html).toContain("{ lambda <mark");
    expect(html).toContain("\n  let <mark");
    expect(html).toContain("\n  in ( <mark");
    expect(html.endsWith("&lt;")).toBe(true);
  });
});
