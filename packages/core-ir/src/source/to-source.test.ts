import { cpuBackend } from "@lintra/backend-cpu";
import { describe, expect, it } from "vitest";
import {
  type AnyTypedArray,
  type Atom,
  ConcreteArray,
  type DType,
  DTYPES,
  type Eqn,
  type FirstOrderPrim,
  Lit,
  type Prim,
  Program,
  ShapedArray,
  TransformError,
  Var,
  abstractEval,
  primitives,
  toTyped,
  typecheck,
} from "../index.js";
import { toSource } from "./index.js";

/*
 * Every program here runs twice: as the function toSource writes, and equation by
 * equation on backend-cpu's kernels (the reference). Results must agree bit for bit (NaN
 * equal to NaN, -0 distinct from 0).
 */

// ---------------------------------------------------------------------------------------
// Harness

/**
 * Compile a generated function with every global but Math and the typed arrays shadowed by
 * `undefined`, so a source that reached for `Number`, `NaN` or `Array` would fail or
 * compute wrong values.
 */
const ALLOWED = new Set(["Math", "Float32Array", "Float64Array", "Int32Array", "Uint8Array"]);
const GLOBAL_NAMES = new Set<string>();
for (let o: object | null = globalThis; o; o = Object.getPrototypeOf(o)) Object.getOwnPropertyNames(o).forEach((n) => GLOBAL_NAMES.add(n));
const SHADOWED = [...GLOBAL_NAMES].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && !ALLOWED.has(n));

type Compiled = (...inputs: AnyTypedArray[]) => AnyTypedArray[];

function compile(src: string): Compiled {
  expect(src).not.toMatch(/\bimport\b|\brequire\b/);
  return new Function(...SHADOWED, `return ${src}`)() as Compiled;
}

/** The reference: each equation on backend-cpu's kernel; a jit runs its sub-program. */
function runReference(program: Program, args: readonly AnyTypedArray[]): AnyTypedArray[] {
  const env = new Map<Var, AnyTypedArray>();
  const read = (a: Atom) => (a instanceof Lit ? toTyped(a.aval.dtype, [a.value]) : env.get(a)!);
  program.constBinders.forEach((v, i) => env.set(v, (program.consts[i] as ConcreteArray).readSync()));
  program.inBinders.forEach((v, i) => env.set(v, args[i]));
  for (const eqn of program.eqns) {
    const ins = eqn.inputs.map(read);
    const outs =
      eqn.prim === "jit"
        ? runReference((eqn.params as { program: Program }).program, ins)
        : cpuBackend.kernels[eqn.prim as FirstOrderPrim]!(ins, eqn.inputs.map((a) => a.aval), eqn.params as never, eqn.outs.map((v) => v.aval));
    eqn.outs.forEach((v, i) => env.set(v, outs[i]));
  }
  return program.outs.map(read);
}

function expectSame(actual: readonly AnyTypedArray[], expected: readonly AnyTypedArray[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((a, k) => {
    const e = expected[k];
    expect(a.constructor.name, `${what}: output ${k}`).toBe(e.constructor.name);
    expect(a.length, `${what}: output ${k}`).toBe(e.length);
    const bad = Array.from(a).findIndex((v, i) => !Object.is(v, e[i]));
    if (bad >= 0) expect.fail(`${what}: output ${k} differs at ${bad}: generated ${a[bad]}, backend-cpu ${e[bad]}`);
  });
}

/**
 * Run `program` both ways and compare; also check the inputs come back untouched. The fused
 * source (elementwise chains as one loop, what backend-cpu compiles) must agree as well.
 */
function checkProgram(program: Program, args: readonly AnyTypedArray[]): string {
  typecheck(program);
  const src = toSource(program);
  const what = String(program);
  const expected = runReference(program, args);
  for (const [source, how] of [[src, ""], [toSource(program, { fuse: true }), " (fused)"]] as const) {
    const copies = args.map((a) => a.slice());
    const got = compile(source)(...copies);
    expectSame(copies, args, `${what}${how}: inputs`);
    expectSame(got, expected, `${what}${how}`);
  }
  return src;
}

interface ArraySpec {
  readonly aval: ShapedArray;
  readonly data: AnyTypedArray;
}

const FLOATS = [0, -0, 1, -1, 0.5, -0.5, 1.5, -2.5, 2.5, 0.1, -3.7, 3, 6.5, -7, 100, -100, 1e-7, 1e-40, 1e30, -1e30, 3.4e38, 1e300, 710, -745, NaN, Infinity, -Infinity];
const INTS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 31, 32, 100, -100, 65536, 46341, 2147483647, -2147483648, -2147483647];
const values = (dtype: DType): number[] => (dtype === "bool" ? [0, 1] : dtype === "int32" ? INTS : FLOATS);

/** `n` values of `dtype` cycling through the interesting ones, shifted by `seed`. */
const pattern = (dtype: DType, n: number, seed = 0): number[] => Array.from({ length: n }, (_, i) => values(dtype)[(i * 7 + seed) % values(dtype).length]);

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** An input array; its data defaults to `pattern`. */
function arr(dtype: DType, shape: readonly number[], data?: readonly number[], seed = 0): ArraySpec {
  return { aval: new ShapedArray(shape, dtype), data: toTyped(dtype, data ?? pattern(dtype, size(shape), seed)) };
}

const covered = new Set<string>();

/** One equation `prim(inputs)` (arrays become inputs of the program, literals stay inline). */
function single(prim: Prim, inputs: readonly (ArraySpec | Lit)[], params: object): { program: Program; args: AnyTypedArray[] } {
  const atoms: Atom[] = inputs.map((x) => (x instanceof Lit ? x : new Var(x.aval)));
  const outs = abstractEval(prim, atoms.map((a) => a.aval), params as never).map((a) => new Var(a));
  const eqn = { prim, inputs: atoms, params, outs } as unknown as Eqn;
  const program = new Program([], [], atoms.filter((a): a is Var => a instanceof Var), [eqn], outs);
  return { program, args: inputs.filter((x): x is ArraySpec => !(x instanceof Lit)).map((x) => x.data) };
}

function check(prim: Prim, inputs: readonly (ArraySpec | Lit)[], params: object = {}): void {
  covered.add(prim);
  const { program, args } = single(prim, inputs, params);
  checkProgram(program, args);
}

/** Whether `prim` accepts operands of these types with these params. */
function accepts(prim: Prim, avals: readonly ShapedArray[], params: object = {}): boolean {
  try {
    abstractEval(prim, avals, params as never);
    return true;
  } catch {
    return false;
  }
}

/** Run `body` for each dtype `prim` accepts (by its dtype rule, on `probe`), and require at least one. */
function forDTypes(prim: Prim, probe: (d: DType) => ShapedArray[], body: (d: DType) => void, params: object = {}): void {
  const dtypes = DTYPES.filter((d) => accepts(prim, probe(d), params));
  expect(dtypes.length, `${prim} accepts some dtype`).toBeGreaterThan(0);
  dtypes.forEach(body);
}

const f32 = (shape: readonly number[]) => new ShapedArray(shape, "float32");

// ---------------------------------------------------------------------------------------
// Elementwise

const UNARY = [
  "neg", "abs", "sign", "floor", "ceil", "round", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan",
  "asin", "acos", "atan", "sinh", "cosh", "tanh", "logistic", "erf", "is_finite", "not", "stop_gradient",
] as const;
const SHIFTS = ["shift_left", "shift_right_logical", "shift_right_arithmetic"] as const;
const BINARY = ["add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2", "and", "or", "xor", "eq", "ne", "lt", "le", "gt", "ge", ...SHIFTS] as const;

describe("elementwise primitives match backend-cpu", () => {
  for (const prim of UNARY) {
    it(prim, () => {
      forDTypes(prim, (d) => [new ShapedArray([], d)], (d) => {
        const v = values(d);
        check(prim, [arr(d, [v.length], v)]);
        check(prim, [arr(d, [3, 2], undefined, 5)]);
        for (const x of v.slice(0, 4)) check(prim, [arr(d, [], [x])]);
        check(prim, [arr(d, [0])]);
        check(prim, [arr(d, [2, 0])]);
        check(prim, [new Lit(v[v.length - 1], d)]);
      });
    });
  }

  for (const prim of BINARY) {
    it(prim, () => {
      forDTypes(prim, (d) => [new ShapedArray([], d), new ShapedArray([], d)], (d) => {
        const v = values(d);
        const xs = v.flatMap((x) => v.map(() => x));
        const ys = v.flatMap(() => v);
        check(prim, [arr(d, [xs.length], xs), arr(d, [ys.length], ys)]);
        check(prim, [arr(d, [v.length, v.length], xs), arr(d, [v.length, v.length], ys)]);
        check(prim, [arr(d, [], [v[2]]), new Lit(v[3], d)]);
        check(prim, [new Lit(v[1], d), arr(d, [], [v[0]])]);
        check(prim, [arr(d, [0, 3]), arr(d, [0, 3])]);
      });
    });
  }

  it("select", () => {
    for (const d of DTYPES) {
      const n = values(d).length;
      const pred = arr("bool", [n], pattern("bool", n, 1));
      check("select", [pred, arr(d, [n], undefined, 0), arr(d, [n], undefined, 3)]);
      check("select", [new Lit(1, "bool"), arr(d, []), new Lit(values(d)[1], d)]);
      check("select", [arr("bool", [0]), arr(d, [0]), arr(d, [0])]);
    }
  });

  it("convert_element_type, between every pair of dtypes", () => {
    const extra = [2147483647.5, -2147483648.9, 3e9, -3e9, 0.9999, -0.9999, 16777217, 1e-320, 3.4028235677973366e38];
    for (const from of DTYPES) {
      const v = from === "bool" ? [0, 1] : from === "int32" ? INTS : [...FLOATS, ...extra];
      for (const newDtype of DTYPES) {
        check("convert_element_type", [arr(from, [v.length], v)], { newDtype });
        check("convert_element_type", [arr(from, [], [v[2]])], { newDtype });
        check("convert_element_type", [arr(from, [0])], { newDtype });
      }
    }
  });

  it("bitcast_convert_type, int32 <-> float32", () => {
    for (const [from, newDtype] of [["int32", "float32"], ["float32", "int32"], ["int32", "int32"]] as const) {
      for (const x of [arr(from, [values(from).length], values(from)), new Lit(values(from)[3], from), arr(from, [0])]) check("bitcast_convert_type", [x], { newDtype });
    }
  });

  it("iota", () => {
    for (const dtype of ["float32", "float64", "int32"] as const) {
      for (const [shape, dimension] of [[[5], 0], [[2, 3], 0], [[2, 3], 1], [[3, 1, 2], 1], [[2, 0, 3], 2], [[1], 0]] as const) {
        check("iota", [], { dtype, shape, dimension });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
// Movement

describe("movement primitives match backend-cpu", () => {
  const eachDType = (body: (d: DType) => void) => DTYPES.forEach(body);

  it("broadcast_in_dim", () => {
    eachDType((d) => {
      check("broadcast_in_dim", [arr(d, [])], { shape: [2, 3], broadcastDimensions: [] });
      check("broadcast_in_dim", [arr(d, [3])], { shape: [2, 3], broadcastDimensions: [1] });
      check("broadcast_in_dim", [arr(d, [2, 1])], { shape: [2, 3], broadcastDimensions: [0, 1] });
      check("broadcast_in_dim", [arr(d, [1, 3])], { shape: [4, 2, 3], broadcastDimensions: [1, 2] });
      check("broadcast_in_dim", [arr(d, [2])], { shape: [2, 3, 2], broadcastDimensions: [2] });
      check("broadcast_in_dim", [arr(d, [0])], { shape: [2, 0], broadcastDimensions: [1] });
      check("broadcast_in_dim", [new Lit(values(d)[4], d)], { shape: [3], broadcastDimensions: [] });
      check("broadcast_in_dim", [arr(d, [])], { shape: [], broadcastDimensions: [] });
      for (const zero of [0, -0]) check("broadcast_in_dim", [new Lit(zero, d)], { shape: [2], broadcastDimensions: [] });
    });
  });

  it("reshape", () => {
    eachDType((d) => {
      check("reshape", [arr(d, [2, 3])], { newSizes: [3, 2] });
      check("reshape", [arr(d, [])], { newSizes: [1, 1] });
      check("reshape", [arr(d, [0, 4])], { newSizes: [2, 0] });
      check("reshape", [new Lit(values(d)[1], d)], { newSizes: [1] });
    });
  });

  it("transpose", () => {
    eachDType((d) => {
      check("transpose", [arr(d, [2, 3])], { permutation: [1, 0] });
      check("transpose", [arr(d, [2, 3, 4])], { permutation: [2, 0, 1] });
      check("transpose", [arr(d, [2, 1, 3])], { permutation: [1, 2, 0] });
      check("transpose", [arr(d, [])], { permutation: [] });
      check("transpose", [arr(d, [0, 3])], { permutation: [1, 0] });
    });
  });

  it("rev", () => {
    eachDType((d) => {
      check("rev", [arr(d, [5])], { dimensions: [0] });
      check("rev", [arr(d, [2, 3, 4])], { dimensions: [0, 2] });
      check("rev", [arr(d, [2, 3])], { dimensions: [] });
      check("rev", [arr(d, [3, 0])], { dimensions: [0, 1] });
    });
  });

  it("slice", () => {
    eachDType((d) => {
      check("slice", [arr(d, [5, 6])], { startIndices: [1, 0], limitIndices: [4, 6], strides: [2, 3] });
      check("slice", [arr(d, [5, 6])], { startIndices: [1, 2], limitIndices: [3, 5], strides: null });
      check("slice", [arr(d, [4])], { startIndices: [2], limitIndices: [2], strides: null });
      check("slice", [arr(d, [])], { startIndices: [], limitIndices: [], strides: null });
      check("slice", [arr(d, [7])], { startIndices: [1], limitIndices: [7], strides: [4] });
    });
  });

  it("pad", () => {
    eachDType((d) => {
      const v = new Lit(values(d)[4], d);
      check("pad", [arr(d, [3]), v], { paddingConfig: [[1, 2, 1]] });
      check("pad", [arr(d, [2, 3]), arr(d, [], undefined, 9)], { paddingConfig: [[-1, 1, 0], [2, -2, 2]] });
      check("pad", [arr(d, [4]), v], { paddingConfig: [[-2, -1, 1]] });
      check("pad", [arr(d, [4]), v], { paddingConfig: [[-1, 0, 1]] }); // cropping into the interior padding
      check("pad", [arr(d, [5, 2]), v], { paddingConfig: [[-4, 2, 2], [-1, -2, 3]] });
      check("pad", [arr(d, [3]), v], { paddingConfig: [[-3, 0, 0]] });
      check("pad", [arr(d, [0]), v], { paddingConfig: [[2, 1, 3]] });
      check("pad", [arr(d, []), v], { paddingConfig: [] });
      for (const zero of [0, -0]) check("pad", [arr(d, [2]), new Lit(zero, d)], { paddingConfig: [[1, 1, 1]] });
    });
  });

  it("concatenate", () => {
    eachDType((d) => {
      check("concatenate", [arr(d, [2, 3]), arr(d, [2, 1], undefined, 4)], { dimension: 1 });
      check("concatenate", [arr(d, [0, 2]), arr(d, [3, 2]), arr(d, [1, 2], undefined, 2)], { dimension: 0 });
      check("concatenate", [arr(d, [4])], { dimension: 0 });
      check("concatenate", [arr(d, [2, 0]), arr(d, [2, 0])], { dimension: 0 });
    });
  });
});

// ---------------------------------------------------------------------------------------
// Reductions and dot_general

// Sums of values this far apart round differently in different orders: the order matters.
const SPREAD = [1e30, 1, -1e30, 3.5, 1e-8, -2, 1e16, 7, -1e16, 0.1, NaN, 5, 2, -0, Infinity];

describe("reductions and dot_general match backend-cpu", () => {
  for (const prim of ["reduce_sum", "reduce_prod", "reduce_max", "reduce_min"] as const) {
    it(prim, () => {
      forDTypes(prim, (d) => [new ShapedArray([2], d)], (d) => {
        const spread = (shape: number[]) => arr(d, shape, d === "int32" || d === "bool" ? undefined : Array.from({ length: size(shape) }, (_, i) => SPREAD[(i * 4) % SPREAD.length]));
        for (const axes of [[1], [0, 2], [2, 0], [], [0, 1, 2], [1, 0, 2]]) check(prim, [spread([2, 3, 4])], { axes });
        check(prim, [arr(d, [values(d).length])], { axes: [0] });
        check(prim, [arr(d, [])], { axes: [] });
        check(prim, [arr(d, [0, 3])], { axes: [0] });
        check(prim, [arr(d, [3, 0])], { axes: [0] });
        check(prim, [new Lit(values(d)[3], d)], { axes: [] });
      }, { axes: [0] });
    });
  }

  for (const prim of ["argmax", "argmin"] as const) {
    it(prim, () => {
      forDTypes(prim, (d) => [new ShapedArray([2], d)], (d) => {
        const withTies = arr(d, [4, 5], pattern(d, 20).map((x, i) => (i % 3 === 0 ? values(d)[1] : x)));
        check(prim, [withTies], { axis: 0 });
        check(prim, [withTies], { axis: 1 });
        check(prim, [arr(d, [values(d).length])], { axis: 0 });
        check(prim, [arr(d, [1, 5])], { axis: 0 });
        check(prim, [arr(d, [2, 0])], { axis: 0 });
      }, { axis: 0 });
    });
  }

  it("argmax/argmin: the first NaN wins", () => {
    for (const prim of ["argmax", "argmin"] as const) check(prim, [arr("float64", [6], [1, NaN, 5, NaN, -Infinity, Infinity])], { axis: 0 });
  });

  it("cumsum", () => {
    forDTypes("cumsum", (d) => [new ShapedArray([2], d)], (d) => {
      for (const reverse of [false, true]) {
        check("cumsum", [arr(d, [3, 4])], { axis: 0, reverse });
        check("cumsum", [arr(d, [3, 4], undefined, 2)], { axis: 1, reverse });
        check("cumsum", [arr(d, [values(d).length])], { axis: 0, reverse });
        check("cumsum", [arr(d, [0])], { axis: 0, reverse });
        check("cumsum", [arr(d, [2, 0, 3])], { axis: 2, reverse });
      }
    }, { axis: 0, reverse: false });
  });

  it("dot_general", () => {
    const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []) => ({ lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb });
    forDTypes("dot_general", (d) => [new ShapedArray([2], d), new ShapedArray([2], d)], (d) => {
      const small = (shape: number[], seed: number) => arr(d, shape, d === "int32" ? undefined : pattern(d, size(shape), seed).map((x) => (Number.isFinite(x) ? x : 1.5)), seed);
      check("dot_general", [small([2, 3], 0), small([3, 4], 1)], dims([1], [0]));
      check("dot_general", [small([3, 9], 2), small([9, 5], 3)], dims([1], [0])); // K >= 4: the unrolled loop
      check("dot_general", [small([9, 3], 4), small([5, 9], 5)], dims([0], [1])); // both transposed first
      check("dot_general", [small([2, 3, 5], 6), small([2, 5, 4], 7)], dims([2], [1], [0], [0]));
      check("dot_general", [small([3, 2, 6], 8), small([6, 4, 2], 9)], dims([2], [0], [1], [2])); // batch not leading
      check("dot_general", [small([5], 10), small([5], 11)], dims([0], [0]));
      check("dot_general", [small([3], 12), small([2], 13)], dims([], []));
      check("dot_general", [small([2, 0], 0), small([0, 3], 0)], dims([1], [0]));
      check("dot_general", [small([2, 2], 0), small([2, 2, 0], 0)], dims([1], [0]));
      check("dot_general", [small([], 1), new Lit(values(d)[4], d)], dims([], []));
      check("dot_general", [arr(d, [4, 6], undefined, 1), arr(d, [6, 2], undefined, 2)], dims([1], [0])); // with NaN/Inf/overflow
      if (d !== "int32") {
        // (1 + 2^-24) + 2^-53 + 2^-53 rounds to a float32 tie (so down to 1), while
        // (1 + 2^-24) + (2^-53 + 2^-53) lands above it: the sum must be grouped as backend-cpu groups it.
        check("dot_general", [arr(d, [2, 4], [1, 2 ** -24, 2 ** -53, 2 ** -53, 3, 1e16, 1, -1e16]), arr(d, [4], [1, 1, 1, 1])], dims([1], [0]));
      }
    }, dims([], []));
  });
});

// ---------------------------------------------------------------------------------------
// Indexing

describe("indexing primitives match backend-cpu", () => {
  const idx = (shape: number[], data: number[]) => arr("int32", shape, data);

  it("gather", () => {
    for (const d of DTYPES) {
      const x = arr(d, [5, 3]);
      check("gather", [x, idx([6], [0, 4, -1, 7, 2, 2])], { axes: [0] });
      check("gather", [x, idx([2, 2], [2, -5, 1, 9])], { axes: [1] });
      check("gather", [arr(d, [4, 3, 2]), idx([3], [3, 0, 1]), idx([3], [2, -1, 5])], { axes: [0, 2] });
      check("gather", [x, new Lit(3, "int32")], { axes: [0] });
      check("gather", [x, idx([0], [])], { axes: [0] });
      check("gather", [arr(d, [1, 4]), idx([2], [0, 3])], { axes: [0] });
      check("gather", [arr(d, [3, 0]), idx([2], [1, 2])], { axes: [0] });
    }
  });

  it("scatter_add (duplicates accumulate, rounding as they go)", () => {
    forDTypes("scatter_add", (d) => [new ShapedArray([2], d), new ShapedArray([1], d), new ShapedArray([1], "int32")], (d) => {
      check("scatter_add", [arr(d, [5, 3]), arr(d, [6, 3], undefined, 3), idx([6], [0, 4, -1, 7, 2, 2])], { axes: [0] });
      check("scatter_add", [arr(d, [4]), arr(d, [5], d === "int32" ? [2147483647, 5, -3, 1, 1] : [1e30, 1, -1e30, 3.5, 0.1]), idx([5], [1, 1, 1, 3, 1])], { axes: [0] });
      check("scatter_add", [arr(d, [4, 3, 2]), arr(d, [3, 3], undefined, 1), idx([3], [3, 0, 3]), idx([3], [2, -1, 1])], { axes: [0, 2] });
      check("scatter_add", [arr(d, [3]), arr(d, []), new Lit(-4, "int32")], { axes: [0] });
      check("scatter_add", [arr(d, [3]), arr(d, [0]), idx([0], [])], { axes: [0] });
    }, { axes: [0] });
  });

  it("dynamic_slice (starts clamped so the window fits)", () => {
    for (const d of DTYPES) {
      const x = arr(d, [5, 4]);
      for (const [s0, s1] of [[0, 0], [1, 2], [-3, 9], [4, 1], [2147483647, -2147483648]]) {
        check("dynamic_slice", [x, idx([], [s0]), idx([], [s1])], { sliceSizes: [2, 3] });
      }
      check("dynamic_slice", [x, new Lit(7, "int32"), new Lit(-1, "int32")], { sliceSizes: [5, 1] });
      check("dynamic_slice", [x, new Lit(1, "int32"), new Lit(1, "int32")], { sliceSizes: [0, 2] });
      check("dynamic_slice", [arr(d, [])], { sliceSizes: [] });
    }
  });

  it("dynamic_update_slice", () => {
    for (const d of DTYPES) {
      const x = arr(d, [5, 4]);
      for (const [s0, s1] of [[0, 0], [1, 2], [-3, 9], [4, 1]]) {
        check("dynamic_update_slice", [x, arr(d, [2, 3], undefined, 5), idx([], [s0]), idx([], [s1])]);
      }
      check("dynamic_update_slice", [x, arr(d, [5, 4], undefined, 2), new Lit(3, "int32"), new Lit(3, "int32")]);
      check("dynamic_update_slice", [x, arr(d, [0, 4]), new Lit(3, "int32"), new Lit(0, "int32")]);
      check("dynamic_update_slice", [arr(d, []), arr(d, [], undefined, 3)]);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Whole programs: names, comments, constants, outputs, jit

/** A program of `eqns` built with `add(prim, inputs, params)`, returning the outputs' vars. */
function build(inAvals: ShapedArray[], body: (ins: Var[], add: (prim: Prim, inputs: Atom[], params?: object) => Var[]) => Atom[], consts: ConcreteArray[] = []) {
  const constBinders = consts.map((c) => new Var(c.aval));
  const ins = inAvals.map((a) => new Var(a));
  const eqns: Eqn[] = [];
  const add = (prim: Prim, inputs: Atom[], params: object = {}) => {
    const outs = abstractEval(prim, inputs.map((a) => a.aval), params as never).map((a) => new Var(a));
    eqns.push({ prim, inputs, params, outs } as unknown as Eqn);
    return outs;
  };
  const outs = body([...constBinders, ...ins], add);
  return new Program(constBinders, consts, ins, eqns, outs);
}

const constant = (data: number[], shape: number[], dtype: DType = "float32") => ConcreteArray.fromTyped(data, shape, dtype, cpuBackend);

describe("toSource: whole programs", () => {
  it("reads as one statement or small block per equation", () => {
    const p = build([f32([2, 3]), new ShapedArray([], "int32")], ([k, x, s], add) => {
      const [c] = add("sin", [x]);
      const [d] = add("reduce_sum", [c], { axes: [1] });
      const [e] = add("dynamic_slice", [k, s], { sliceSizes: [2] });
      const [f] = add("pow", [d, e]);
      return [f, new Lit(-0, "float32")];
    }, [constant([1, NaN, -Infinity], [3])]);
    const src = checkProgram(p, [toTyped("float32", [1, 2, 3, -4, 5, 6]), toTyped("int32", [9])]);
    expect(src).toMatchInlineSnapshot(`
      "function (b, c) {
        function $pow(x, y) {
          if (x === 1 || (x === -1 && (y === 1 / 0 || y === -1 / 0))) return 1;
          return Math.pow(x, y);
        }

        // inputs b:f32[2,3] c:i32[]
        // a:f32[3] (constant)
        const a = new Float32Array([1, 0 / 0, -1 / 0]);
        // d:f32[2,3] = sin b
        const d = new Float32Array(6);
        for (let i0 = 0; i0 < 6; i0++) d[i0] = Math.sin(b[i0]);
        // e:f32[2] = reduce_sum[axes=[1]] d
        const e = new Float32Array(2);
        for (let i0 = 0; i0 < 2; i0++) {
          let acc0 = 0;
          for (let i1 = 0; i1 < 3; i1++) acc0 += d[i0 * 3 + i1];
          e[i0] = acc0;
        }
        // f:f32[2] = dynamic_slice[sliceSizes=[2]] a c
        const f = new Float32Array(2);
        {
          const at0 = Math.min(Math.max(c[0], 0), 1);
          for (let i0 = 0; i0 < 2; i0++) f[i0] = a[at0 + i0];
        }
        // g:f32[2] = pow e f
        const g = new Float32Array(2);
        for (let i0 = 0; i0 < 2; i0++) g[i0] = $pow(e[i0], f[i0]);
        return [g, new Float32Array([-0])];
      }"
    `);
  });

  it("names variables as the pretty printer does and comments each equation with its types", () => {
    const p = build([f32([3]), f32([])], ([k, x, s], add) => {
      const [c] = add("sin", [x]);
      const [d] = add("mul", [c, k]);
      const [e] = add("mul", [s, new Lit(2, "float32")]);
      return [d, e];
    }, [constant([1, 2, 3], [3])]);
    const src = checkProgram(p, [toTyped("float32", [0.5, -1, 2]), toTyped("float32", [3])]);
    expect(src).toMatch(/^function \(b, c\) \{\n  \/\/ inputs b:f32\[3\] c:f32\[\]\n/);
    expect(src).toContain("// a:f32[3] (constant)\n  const a = new Float32Array([1, 2, 3]);");
    expect(src).toContain("// d:f32[3] = sin b\n  const d = new Float32Array(3);");
    expect(src).toContain("// e:f32[3] = mul d a");
    expect(src).toContain("// f:f32[] = mul c 2.0");
    expect(src).toContain("return [e, f];");
    for (const line of String(p).matchAll(/([a-z]+:\w+\[[\d,]*\]) = (\w+)/g)) expect(src).toContain(`// ${line[1]} = ${line[2]}`);
  });

  it("embeds constants exactly (NaN, ±Inf, -0, subnormals, long arrays) and copies them on return", () => {
    const data = [NaN, Infinity, -Infinity, -0, 5e-324, 0.1, 1e300, -2, ...Array.from({ length: 30 }, (_, i) => i / 3)];
    const c64 = constant(data, [data.length], "float64");
    const cb = constant([1, 0, 1], [3], "bool");
    const ci = constant([-2147483648, 7], [2], "int32");
    const p = build([], ([a, b, c]) => [a, b, c, a], [c64, cb, ci]);
    const src = checkProgram(p, []);
    const outs = compile(src)();
    expect(outs[0]).not.toBe(outs[3]);
  });

  it("returns fresh arrays: an input, a literal or a repeated output is copied", () => {
    const p = build([f32([2])], ([x], add) => {
      const [y] = add("neg", [x]);
      return [x, y, y, new Lit(-0, "float32")];
    });
    const input = toTyped("float32", [1, 2]);
    checkProgram(p, [input]);
    const outs = compile(toSource(p))(input);
    expect(outs[0]).not.toBe(input);
    expect(outs[1]).not.toBe(outs[2]);
  });

  it("chains many equations (names past z, reserved words such as `do` and `if` avoided)", () => {
    const p = build([new ShapedArray([2], "int32")], ([x], add) => {
      let v: Var = x;
      for (let i = 0; i < 300; i++) [v] = add(i % 2 ? "neg" : "add", i % 2 ? [v] : [v, v]);
      return [v];
    });
    const src = checkProgram(p, [toTyped("int32", [3, -5])]);
    expect(src).toContain("const do_ = ");
    expect(src).toContain("const if_ = ");
  });

  it("uses each runtime helper once, and only when needed", () => {
    const p = build([f32([3])], ([x], add) => [add("erf", add("erf", [x]))[0]]);
    const src = checkProgram(p, [toTyped("float32", [0.5, -4, 7])]);
    expect(src.match(/function \$erf/g)).toHaveLength(1);
    expect(src).not.toContain("$matmul");
  });

  it("writes a jit equation's body inline, with its own constants, named on from the enclosing program", () => {
    const inner = build([f32([3]), f32([])], ([k, x, s], add) => {
      const [y] = add("mul", [x, k]);
      const [z] = add("broadcast_in_dim", [s], { shape: [3], broadcastDimensions: [] });
      const [w] = add("add", [y, z]);
      return [w, x, new Lit(1.5, "float32")];
    }, [constant([0.5, NaN, -3], [3])]);
    const outer = build([f32([3])], ([a], add) => {
      const [p, q, r] = add("jit", [a, new Lit(2, "float32")], { name: "f\u2028x", program: inner });
      const [t] = add("sin", [p]);
      const [u, v] = add("jit", [t, r], { name: "g", program: build([f32([3]), f32([])], ([m, n]) => [n, m]) });
      return [t, q, r, p, u, v];
    });
    const src = checkProgram(outer, [toTyped("float32", [1, -2, 0.25])]);
    // The printer names the sub-program's variables (b … g) before the jit's outputs (h, i, j).
    expect(src).toContain("const [h, i, j] = ((c, d) => {");
    expect(src).toContain("})(a, new Float32Array([2]));");
    // A line separator in a param would end the comment early: it is written as a space.
    expect(src).toContain("// h:f32[3] i:f32[3] j:f32[] = jit[name=f x] a 2.0");
    for (const line of String(outer).matchAll(/([a-z]+:\w+\[[\d,]*\]) = (\w+)/g)) expect(src).toContain(`${line[1]} = ${line[2]}`);
    const [, q] = compile(src)(toTyped("float32", [1, -2, 0.25]));
    expect(Array.from(q)).toEqual([1, -2, 0.25]);
  });

  it("jit inside jit", () => {
    const leaf = build([f32([2])], ([x], add) => add("exp", [x]));
    const mid = build([f32([2])], ([x], add) => add("jit", add("neg", [x]), { name: "leaf", program: leaf }));
    const top = build([f32([2])], ([x], add) => [...add("jit", [x], { name: "mid", program: mid }), x]);
    checkProgram(top, [toTyped("float32", [0.5, -Infinity])]);
  });

  it("names a primitive it has no emitter for", () => {
    const x = new Var(f32([]));
    const y = new Var(f32([]));
    const p = new Program([], [], [x], [{ prim: "made_up", inputs: [x], params: {}, outs: [y] } as unknown as Eqn], [y]);
    expect(() => toSource(p)).toThrow(TransformError);
    expect(() => toSource(p)).toThrow(/made_up/);
  });

  it("refuses a constant that is not a concrete array (a program that is not closed)", () => {
    const c = new Var(f32([2]));
    const p = new Program([c], [{ aval: c.aval } as never], [], [], [c]);
    expect(() => toSource(p)).toThrow(/a:f32\[2\] is not a concrete array/);
  });

  it("the harness catches a global (the check can fail)", () => {
    expect(() => compile("function (x) { return [new Float32Array([Number.EPSILON])]; }")()).toThrow(TypeError);
    expect(Array.from(compile("function () { return [new Float64Array([Infinity])]; }")()[0])).toEqual([NaN]);
  });
});

describe("coverage", () => {
  it("every first-order primitive was checked against backend-cpu", () => {
    const all = primitives().filter((p) => !p.higherOrder).map((p) => p.name);
    expect(all.filter((p) => !covered.has(p))).toEqual([]);
  });
});
