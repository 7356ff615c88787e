import {
  type AnyTypedArray,
  ConcreteArray,
  type DType,
  type Params,
  type FirstOrderPrim,
  ShapedArray,
  backendNames,
  bind1,
  firstOrderPrimitives,
  setBackend,
} from "@lintra/core-ir";
import { describe, expect, test } from "vitest";
import { cpuBackend, cpuKernels } from "./index.js";

// Read before this file selects the backend below.
const namesAtImport = backendNames();
setBackend(cpuBackend);

describe("cpuBackend", () => {
  test("importing it registers nothing", () => {
    expect(namesAtImport).not.toContain("cpu");
  });

  test("has a kernel for every declared primitive", () => {
    const names = firstOrderPrimitives().map((p) => p.name);
    expect(names.length).toBeGreaterThan(60);
    for (const name of names) expect(typeof cpuBackend.kernels[name], name).toBe("function");
    expect(Object.keys(cpuKernels).sort()).toEqual([...names].sort());
  });

  test("stores typed arrays as given and reads them back", () => {
    expect(cpuBackend.name).toBe("cpu");
    expect([...cpuBackend.dtypes].sort()).toEqual(["bool", "float32", "float64", "int32"]);
    const data = Float32Array.of(1, 2, 3);
    const aval = new ShapedArray([3], "float32");
    const buf = cpuBackend.fromTyped(data, aval);
    expect(buf).toBe(data);
    expect(cpuBackend.read(buf, aval)).toBe(data);
    cpuBackend.release(buf);
    expect([...data]).toEqual([1, 2, 3]);
  });

  test("setBackend(cpuBackend) makes it selectable by name", () => {
    expect(backendNames()).toContain("cpu");
    expect(setBackend("cpu")).toBe(cpuBackend);
  });
});

// ---------------------------------------------------------------------------------------
// One valid call of every primitive: each kernel returns a fresh array of the output aval
// and leaves its inputs alone.

const a = (data: number[], shape: number[] = [data.length], dtype: DType = "float64") => ConcreteArray.fromTyped(data, shape, dtype);
const i32 = (data: number[], shape: number[] = [data.length]) => a(data, shape, "int32");
const bool = (data: number[]) => a(data, [data.length], "bool");

type Sample<P extends FirstOrderPrim> = () => [ConcreteArray[], Params<P>];
const unary = (x = a([0.5, -0, 2])): Sample<never> => () => [[x], {} as never];
const binary = (x = a([0.5, -0, 2]), y = a([3, 1, -1])): Sample<never> => () => [[x, y], {} as never];

const SAMPLES: { [P in FirstOrderPrim]: Sample<P> } = {
  neg: unary(), abs: unary(), sign: unary(), floor: unary(), ceil: unary(), round: unary(), exp: unary(), log: unary(),
  log1p: unary(), expm1: unary(), sqrt: unary(), rsqrt: unary(), sin: unary(), cos: unary(), tan: unary(), asin: unary(),
  acos: unary(), atan: unary(), sinh: unary(), cosh: unary(), tanh: unary(), logistic: unary(), erf: unary(),
  is_finite: unary(), not: unary(i32([1, -2, 3])),
  add: binary(), sub: binary(), mul: binary(), div: binary(), rem: binary(), pow: binary(), max: binary(), min: binary(),
  atan2: binary(), and: binary(bool([1, 0, 1]), bool([1, 1, 0])), or: binary(i32([1, 2, 3]), i32([4, 5, 6])),
  xor: binary(bool([1, 0, 1]), bool([1, 1, 0])), shift_left: binary(i32([1, -1, 3]), i32([31, 32, -1])),
  shift_right_logical: binary(i32([-1, 8, 3]), i32([28, 1, 40])), shift_right_arithmetic: binary(i32([-8, 8, -3]), i32([1, 2, 33])), eq: binary(), ne: binary(), lt: binary(), le: binary(), gt: binary(), ge: binary(),
  select: () => [[bool([1, 0, 1]), a([1, 2, 3]), a([4, 5, 6])], {}],
  convert_element_type: () => [[a([1.5, -2.5, 0])], { newDtype: "int32" }],
  bitcast_convert_type: () => [[i32([1065353216, -1082130432, 0])], { newDtype: "float32" }],
  stop_gradient: unary(),
  iota: () => [[], { shape: [2, 3], dimension: 1, dtype: "int32" }],
  broadcast_in_dim: () => [[a([1, 2])], { shape: [3, 2], broadcastDimensions: [1] }],
  reshape: () => [[a([1, 2, 3, 4])], { newSizes: [2, 2] }],
  transpose: () => [[a([1, 2, 3, 4, 5, 6], [2, 3])], { permutation: [1, 0] }],
  rev: () => [[a([1, 2, 3])], { dimensions: [0] }],
  slice: () => [[a([1, 2, 3, 4])], { startIndices: [1], limitIndices: [4], strides: [2] }],
  pad: () => [[a([1, 2]), a([0], [])], { paddingConfig: [[1, -1, 1]] }],
  concatenate: () => [[a([1]), a([2, 3])], { dimension: 0 }],
  reduce_sum: () => [[a([1, 2, 3, 4], [2, 2])], { axes: [1] }],
  reduce_max: () => [[a([1, 2, 3, 4], [2, 2])], { axes: [0] }],
  reduce_min: () => [[a([1, 2, 3, 4], [2, 2])], { axes: [0, 1] }],
  reduce_prod: () => [[i32([1, 2, 3, 4], [2, 2])], { axes: [1] }],
  argmax: () => [[a([1, 5, 3])], { axis: 0 }],
  argmin: () => [[a([1, 5, 3])], { axis: 0 }],
  cumsum: () => [[a([1, 2, 3])], { axis: 0, reverse: true }],
  dot_general: () => [[a([1, 2, 3, 4], [2, 2]), a([5, 6, 7, 8], [2, 2])], { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] }],
  gather: () => [[a([1, 2, 3]), i32([2, 0])], { axes: [0] }],
  scatter_add: () => [[a([1, 2, 3]), a([10, 20]), i32([2, 2])], { axes: [0] }],
  dynamic_slice: () => [[a([1, 2, 3]), i32([1], [])], { sliceSizes: [2] }],
  dynamic_update_slice: () => [[a([1, 2, 3]), a([9]), i32([1], [])], {}],
};

const TYPED: Record<DType, new (n: number) => AnyTypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

describe("every kernel", () => {
  test.each(firstOrderPrimitives().map((p) => p.name))("%s returns a fresh array of the output aval and leaves its inputs alone", (name) => {
    const [inputs, params] = (SAMPLES[name] as Sample<FirstOrderPrim>)();
    const before = inputs.map((x) => x.readSync());
    const buffers = inputs.map((x) => x.buffer);
    const y = bind1(name, inputs, params) as ConcreteArray;
    const out = cpuBackend.read(y.buffer as AnyTypedArray, y.aval);
    expect(out).toBeInstanceOf(TYPED[y.dtype]);
    expect(out.length).toBe(y.size);
    expect(buffers).not.toContain(y.buffer);
    inputs.forEach((x, i) => expect([...x.readSync()], `operand ${i}`).toEqual([...before[i]]));
  });
});
