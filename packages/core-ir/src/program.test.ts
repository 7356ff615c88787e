import { describe, expect, it } from "vitest";
import {
  type AnyTypedArray,
  ConcreteArray,
  DTypeError,
  EscapedTracerError,
  Lit,
  Program,
  ShapeError,
  ShapedArray,
  type Tracer,
  TypecheckError,
  UnknownPrimitiveError,
  UnsupportedPrimitiveError,
  Var,
  abstractEval,
  bind1,
  dce,
  defineBackend,
  evalProgram,
  primitives,
  setBackend,
  stageProgram,
  treeFlatten,
  treeUnflatten,
  typecheck,
  withStaging,
} from "./index.js";

// A deliberately tiny backend (float64 add/mul/sin/broadcast only) so core-ir is tested on its own.
const tiny = defineBackend<AnyTypedArray>({
  name: "tiny",
  dtypes: ["float64", "float32", "bool"],
  fromTyped: (d) => d,
  read: (b) => b,
  release: () => {},
  kernels: {
    add: ([a, b]) => [a.map((v, i) => v + b[i])],
    mul: ([a, b]) => [a.map((v, i) => v * b[i])],
    sin: ([a]) => [a.map(Math.sin)],
    broadcast_in_dim: ([a], _avals, _p, [out]) => [new Float64Array(out.size).fill(a[0])],
  },
});
setBackend(tiny);

const f64 = (shape: number[]) => new ShapedArray(shape, "float64");
const sin = (x: Tracer) => bind1("sin", [x], {});
const mul = (x: Tracer, y: Tracer) => bind1("mul", [x, y], {});

describe("stageProgram and the pretty-printer", () => {
  it("records a typed program with constants and literals", () => {
    const c = ConcreteArray.fromTyped([1, 2, 3], [3], "float64");
    const two = ConcreteArray.scalar(2, "float64");
    const p = stageProgram((x, s) => [mul(sin(x), c), mul(s, two)], [f64([3]), f64([])]);
    typecheck(p);
    expect(p.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f64[3] ; b:f64[3] c:f64[] .
        let d:f64[3] = sin b
            e:f64[3] = mul d a
            f:f64[] = mul c 2.0
        in ( e, f ) }"
    `);
  });

  it("names variables a..z, then aa, ab, ...", () => {
    const p = stageProgram((x) => {
      let y = x;
      for (let i = 0; i < 27; i++) y = sin(y);
      return [y];
    }, [f64([])]);
    expect(p.toString()).toContain("ab:f64[] = sin aa");
  });
});

describe("typecheck", () => {
  const x = new Var(f64([3]));
  const y = new Var(f64([3]));
  it("accepts a well-typed program", () => {
    expect(() => typecheck(new Program([], [], [x], [{ prim: "sin", inputs: [x], params: {}, outs: [y] }], [y]))).not.toThrow();
  });
  it("rejects an equation whose output type is wrong", () => {
    const wrong = new Var(f64([4]));
    expect(() => typecheck(new Program([], [], [x], [{ prim: "sin", inputs: [x], params: {}, outs: [wrong] }], [wrong]))).toThrow(
      /'sin' produces f64\[3\] but its output variable says f64\[4\]/,
    );
  });
  it("rejects an unbound variable, a variable bound twice, and an ill-typed equation", () => {
    const z = new Var(f64([3]));
    expect(() => typecheck(new Program([], [], [x], [{ prim: "sin", inputs: [z], params: {}, outs: [y] }], [y]))).toThrow(TypecheckError);
    expect(() => typecheck(new Program([], [], [x], [{ prim: "sin", inputs: [x], params: {}, outs: [x] }], [x]))).toThrow(/bound twice/);
    const bad = new Var(f64([3]));
    const i32 = new Var(new ShapedArray([3], "int32"));
    expect(() => typecheck(new Program([], [], [x, i32], [{ prim: "add", inputs: [x, i32], params: {}, outs: [bad] }], [bad]))).toThrow(/ill-typed.*same dtype/);
  });
  it("rejects constants whose type differs from their binder", () => {
    const c = ConcreteArray.fromTyped([1, 2], [2], "float64");
    expect(() => typecheck(new Program([x], [c], [], [], [x]))).toThrow(/constant 0 has type f64\[2\]; its binder says f64\[3\]/);
  });
});

describe("dce", () => {
  it("drops unused equations and constants", () => {
    const c = ConcreteArray.fromTyped([1, 2, 3], [3], "float64");
    const p = stageProgram((x) => {
      mul(sin(x), c); // unused
      return [sin(x)];
    }, [f64([3])]);
    const q = dce(p);
    typecheck(q);
    expect(p.eqns.length).toBe(3);
    expect(q.eqns.map((e) => e.prim)).toEqual(["sin"]);
    expect(q.consts.length).toBe(0);
  });
});

describe("evalProgram", () => {
  it("runs a program on the backend and matches eager evaluation", () => {
    const p = stageProgram((x) => [mul(sin(x), x)], [f64([2])]);
    const x = ConcreteArray.fromTyped([0.5, 1], [2], "float64");
    const [y] = evalProgram(p, [x]) as ConcreteArray[];
    expect(Array.from(y.readSync())).toEqual([0.5, 1].map((v) => Math.sin(v) * v));
  });
  it("uses literals", () => {
    const lit = new Lit(3, "float64");
    const v = new Var(f64([]));
    const out = new Var(f64([]));
    const p = new Program([], [], [v], [{ prim: "mul", inputs: [v, lit], params: {}, outs: [out] }], [out]);
    typecheck(p);
    const [y] = evalProgram(p, [ConcreteArray.scalar(2, "float64")]) as ConcreteArray[];
    expect(y.readSync()[0]).toBe(6);
  });
});

describe("bind", () => {
  const x = ConcreteArray.fromTyped([1, 2, 3], [3], "float64");
  it("checks shapes and dtypes at trace time, naming the primitive", () => {
    const y = ConcreteArray.fromTyped([1, 2], [2], "float64");
    expect(() => bind1("add", [x, y], {})).toThrow(ShapeError);
    expect(() => bind1("add", [x, y], {})).toThrow(/add: operands must have the same shape.*\[3\], \[2\]/);
    const b = ConcreteArray.fromTyped([1, 0, 1], [3], "bool");
    expect(() => bind1("sin", [b], {})).toThrow(DTypeError);
    expect(() => bind1("sin", [b], {})).toThrow(/sin: operand has dtype bool/);
  });
  it("reports an unknown primitive", () => {
    expect(() => bind1("frobnicate" as "sin", [x], {})).toThrow(UnknownPrimitiveError);
  });
  it("reports a kernel missing on the backend, never a wrong answer", () => {
    expect(() => bind1("cos", [x], {})).toThrow(UnsupportedPrimitiveError);
    expect(() => bind1("cos", [x], {})).toThrow(/backend 'tiny' has no kernel for primitive 'cos'/);
    expect(() => ConcreteArray.fromTyped([1], [1], "int32")).toThrow(UnsupportedPrimitiveError);
    expect(() => ConcreteArray.fromTyped([1], [1], "int32")).toThrow(/backend 'tiny' has no kernel for primitive 'array' with dtype int32/);
  });
  it("refuses a tracer used after its transformation ended", () => {
    let leaked: Tracer | null = null;
    withStaging((trace) => {
      leaked = trace.newArg(f64([3]));
    });
    expect(() => sin(leaked!)).toThrow(EscapedTracerError);
  });
});

describe("registry", () => {
  it("declares the lax-style primitive set, each with a shape rule, dtype rule and doc", () => {
    const names = primitives().map((p) => p.name);
    for (const n of ["sin", "dot_general", "gather", "scatter_add", "pad", "cumsum", "argmax", "select", "iota", "dynamic_update_slice"]) expect(names).toContain(n);
    for (const p of primitives()) expect(p.doc.length).toBeGreaterThan(1);
  });
  it("computes output avals (dot_general with batch dims)", () => {
    const out = abstractEval("dot_general", [f64([2, 3, 4]), f64([2, 4, 5])], { lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0] });
    expect(out.toString()).toBe("f64[2,3,5]");
    expect(() => abstractEval("reshape", [f64([2, 3])], { newSizes: [4] })).toThrow(/cannot reshape array of shape \[2, 3\] \(size 6\) into shape \[4\]/);
  });
});

describe("pytrees", () => {
  it("flatten and unflatten nested arrays and objects (keys sorted)", () => {
    const tree = { b: [1, { c: 2 }], a: 3, n: null };
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toEqual([3, 1, 2]);
    expect(treeUnflatten(def, [30, 10, 20])).toEqual({ a: 30, b: [10, { c: 20 }], n: null });
  });
});
