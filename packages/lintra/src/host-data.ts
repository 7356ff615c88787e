import { type AnyTypedArray, ConcreteArray, type DType, DTypeError, ValueError, assertDType } from "@lintra/core-ir";

/** Nested JS arrays of numbers or booleans: `[[1, 2], [3, 4]]`. */
export type NestedArray = readonly (number | boolean | NestedArray)[];

/** What `np.array` turns into an array on the current backend. */
export type HostData = number | boolean | NestedArray | AnyTypedArray;

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

const fmtPath = (path: readonly number[]) => `[${path.join("][")}]`;

/** The shape of a nested JS array, checking that it is rectangular and holds only numbers/booleans. */
function nestedShape(x: unknown, path: number[], op: string): number[] {
  if (typeof x === "number" || typeof x === "boolean") return [];
  if (!Array.isArray(x)) {
    const where = path.length ? ` at ${fmtPath(path)}` : "";
    throw new ValueError(`${op}: element${where} is ${String(x)} (${typeof x}); expected a number, a boolean or a nested array of them`);
  }
  if (x.length === 0) return [0];
  const first = nestedShape(x[0], [...path, 0], op);
  for (let i = 1; i < x.length; i++) {
    const s = nestedShape(x[i], [...path, i], op);
    if (s.join() !== first.join()) {
      throw new ValueError(
        `${op}: ragged nested array: element ${fmtPath([...path, i])} has shape [${s.join(", ")}] but element ${fmtPath([...path, 0])} has shape [${first.join(", ")}]; ` +
          "expected every row at one depth to have the same shape",
      );
    }
  }
  return [x.length, ...first];
}

function flattenNested(x: unknown, out: (number | boolean)[]): void {
  if (Array.isArray(x)) for (const e of x) flattenNested(e, out);
  else out.push(x as number | boolean);
}

/** Default dtype of JS data: bool when every element is a boolean, else float32. */
function defaultDType(values: readonly (number | boolean)[]): DType {
  return values.length > 0 && values.every((v) => typeof v === "boolean") ? "bool" : "float32";
}

/** Build a concrete array from JS data; `dtype` overrides the inferred one. */
export function fromHost(data: HostData, dtype: DType | undefined, op: string): ConcreteArray {
  if (dtype !== undefined) assertDType(dtype, op);
  if (ArrayBuffer.isView(data)) {
    const d = dtype ?? typedArrayDType(data, op);
    return ConcreteArray.fromTyped(data as AnyTypedArray, [(data as AnyTypedArray).length], d);
  }
  const shape = nestedShape(data, [], op);
  const values: (number | boolean)[] = [];
  flattenNested(data, values);
  return ConcreteArray.fromTyped(values.map(Number), shape, dtype ?? defaultDType(values));
}
