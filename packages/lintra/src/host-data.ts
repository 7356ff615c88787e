import {
  type AnyTypedArray,
  ConcreteArray,
  type DType,
  DTypeError,
  INT32_MAX,
  INT32_MIN,
  ValueError,
  assertDType,
  fitsDType,
  fmtValue,
} from "@lintra/core-ir";

/** Nested JS arrays of numbers or booleans: `[[1, 2], [3, 4]]`. */
export type NestedArray = readonly (number | boolean | NestedArray)[];

/** What `np.array` turns into an array on the current backend. */
export type HostData = number | boolean | NestedArray | AnyTypedArray;

/** The deepest nesting read from JS data: an array has at most this many dimensions. */
export const MAX_NESTING = 64;

const TYPED_DTYPES: [new (n: number) => AnyTypedArray, DType][] = [
  [Float32Array, "float32"],
  [Float64Array, "float64"],
  [Int32Array, "int32"],
];

/** The dtype a typed array keeps: Float32Array, Float64Array and Int32Array only. */
export function typedArrayDType(data: ArrayBufferView, op: string): DType {
  const hit = TYPED_DTYPES.find(([ctor]) => data instanceof ctor);
  if (!hit) {
    throw new DTypeError(`${op}: cannot infer a dtype from ${data.constructor.name}; expected Float32Array, Float64Array or Int32Array (or pass { dtype })`);
  }
  return hit[1];
}

/** JS data read into numbers, before any dtype is applied. */
interface HostValues {
  shape: number[];
  values: ArrayLike<number>;
  /** Set by the JS data itself: bool for booleans, float32 for numbers; a typed array's own dtype, if it has one. */
  dtype: DType | undefined;
}

const fmtPath = (path: readonly number[]) => (path.length ? `[${path.join("][")}]` : "the top level");

export const nestingError = (op: string): ValueError =>
  new ValueError(`${op}: nested array is deeper than ${MAX_NESTING} levels; expected at most ${MAX_NESTING} dimensions`);

/** The shape the first elements imply, refusing nesting deeper than MAX_NESTING before walking it. */
function leadingShape(data: unknown, op: string): number[] {
  const shape: number[] = [];
  for (let d = data; Array.isArray(d); d = d[0]) {
    if (shape.length === MAX_NESTING) throw nestingError(op);
    shape.push(d.length);
    if (d.length === 0) break;
  }
  return shape;
}

const kindOf = (x: unknown) => (Array.isArray(x) ? `an array of length ${x.length}` : typeof x === "boolean" ? "a boolean" : "a number");

/**
 * Reads nested JS data of a known shape into `values`, in row-major order, checking every
 * element; `values` grows as elements pass, so a sparse or ragged array is refused before
 * anything of its claimed size is allocated.
 */
class NestedReader {
  readonly values: number[] = [];
  private readonly path: number[] = [];
  private leafKind: "number" | "boolean" | undefined;

  constructor(
    private readonly shape: readonly number[],
    private readonly op: string,
  ) {}

  get dtype(): DType {
    return this.leafKind === "boolean" ? "bool" : "float32";
  }

  read(x: unknown): void {
    const depth = this.path.length;
    if (depth < this.shape.length) this.readRow(x, this.shape[depth]);
    else this.readLeaf(x);
  }

  private readRow(x: unknown, length: number): void {
    if (!Array.isArray(x) || x.length !== length) throw this.ragged(x);
    for (let i = 0; i < length; i++) {
      this.path.push(i);
      this.read(x[i]);
      this.path.pop();
    }
  }

  private readLeaf(x: unknown): void {
    if (Array.isArray(x)) throw this.ragged(x);
    if (typeof x !== "number" && typeof x !== "boolean") {
      throw new ValueError(`${this.op}: element at ${fmtPath(this.path)} is ${fmtValue(x)} (${x === null ? "null" : typeof x}); expected a number, a boolean or a nested array of them`);
    }
    const kind = typeof x as "number" | "boolean";
    if (this.leafKind !== undefined && kind !== this.leafKind) {
      throw new ValueError(
        `${this.op}: element at ${fmtPath(this.path)} is a ${kind} but element at ${fmtPath(this.path.map(() => 0))} is a ${this.leafKind}; ` +
          "expected all numbers or all booleans (convert with Number(b) or astype)",
      );
    }
    this.leafKind = kind;
    this.values.push(Number(x));
  }

  /** Element at the current path does not have the shape the first elements set. */
  private ragged(x: unknown): ValueError {
    const first = this.path.map(() => 0);
    const depth = this.path.length;
    const expected = depth < this.shape.length ? `an array of length ${this.shape[depth]}` : "a number";
    return new ValueError(
      `${this.op}: ragged nested array: element at ${fmtPath(this.path)} is ${kindOf(x)} but element at ${fmtPath(first)} is ${expected}; ` +
        "expected every row at one depth to have the same length",
    );
  }
}

const isNumericView = (data: ArrayBufferView): data is AnyTypedArray =>
  !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array);

function readHost(data: unknown, op: string): HostValues {
  if (ArrayBuffer.isView(data)) {
    if (!isNumericView(data)) {
      throw new DTypeError(`${op}: cannot read a ${data.constructor.name}; expected a typed array of numbers (Float32Array, Float64Array, Int32Array, ...) or nested JS arrays`);
    }
    const own = TYPED_DTYPES.find(([ctor]) => data instanceof ctor)?.[1];
    return { shape: [data.length], values: data, dtype: own };
  }
  const shape = leadingShape(data, op);
  const reader = new NestedReader(shape, op);
  reader.read(data);
  return { shape, values: reader.values, dtype: reader.dtype };
}

/** The position of flat index `i` in an array of `shape`, as `[1][0]`. */
function positionOf(i: number, shape: readonly number[]): string {
  const path = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    path[k] = i % shape[k];
    i = Math.floor(i / shape[k]);
  }
  return fmtPath(path);
}

/** Every value converts to `dtype` as it is meant (no int32 wrapping, no NaN as an integer). */
function checkFits({ shape, values }: HostValues, dtype: DType, op: string): void {
  for (let i = 0; i < values.length; i++) {
    if (fitsDType(values[i], dtype)) continue;
    const why = Number.isFinite(values[i]) ? `is out of range for ${dtype}` : `has no ${dtype} value`;
    throw new ValueError(`${op}: value ${values[i]} at ${positionOf(i, shape)} ${why}; expected a finite number in [${INT32_MIN}, ${INT32_MAX}] (use a float dtype for other values)`);
  }
}

/** NaN is nonzero, so true, as NumPy converts it (a plain JS truthiness test would say false). */
const asBoolValues = (values: ArrayLike<number>): Uint8Array => Uint8Array.from(values as ArrayLike<number>, (v) => (v === 0 ? 0 : 1));

function toConcrete(host: HostValues, dtype: DType): ConcreteArray {
  const values = dtype === "bool" ? asBoolValues(host.values) : host.values;
  return ConcreteArray.fromTyped(values, host.shape, dtype);
}

/** Build a concrete array from JS data; `dtype` overrides the inferred one. */
export function fromHost(data: HostData, dtype: DType | undefined, op: string): ConcreteArray {
  if (dtype !== undefined) assertDType(dtype, op);
  const host = readHost(data, op);
  const d = dtype ?? host.dtype ?? typedArrayDType(data as ArrayBufferView, op);
  checkFits(host, d, op);
  return toConcrete(host, d);
}

/** Integer indices from JS data, as int32: every value must be an integer in int32's range. */
export function indicesFromHost(data: HostData, op: string): ConcreteArray {
  const host = readHost(data, op);
  if (host.dtype === "bool") throw new DTypeError(`${op}: indices are booleans; expected integers (boolean masks are not supported)`);
  for (let i = 0; i < host.values.length; i++) {
    const v = host.values[i];
    if (!Number.isInteger(v)) throw new ValueError(`${op}: index ${v} at ${positionOf(i, host.shape)} is not an integer; expected integer indices`);
  }
  checkFits(host, "int32", op);
  return toConcrete(host, "int32");
}
