/** Reading array values back into JS: only concrete arrays have values to read. */
import { type AnyTypedArray, ConcreteArray, ConcretizationError, type Shape, type Tracer, ValueError, fmtShape, stridesOf } from "@lintra/core-ir";

/** An array's values as JS data: a number or boolean for a scalar, nested arrays otherwise. */
export type NestedValue = number | boolean | NestedValue[];

export function concrete(x: Tracer, method: string): ConcreteArray {
  if (x instanceof ConcreteArray) return x;
  throw new ConcretizationError(
    `${method}(): the array ${x.aval} is abstract here: it is a tracer of the '${x._trace.main.name}' transformation, ` +
      "whose values are not known while the function is being transformed; return it from the function and read the result instead. " +
      "To branch or loop on a traced value use lax.cond / lax.whileLoop; under jit, pass JS values that decide control flow with staticArgnums",
  );
}

function nest(data: AnyTypedArray, shape: Shape, isBool: boolean): NestedValue {
  const strides = stridesOf(shape);
  const read = (i: number): NestedValue => (isBool ? data[i] !== 0 : data[i]);
  const build = (dim: number, offset: number): NestedValue =>
    dim === shape.length ? read(offset) : Array.from({ length: shape[dim] }, (_, i) => build(dim + 1, offset + i * strides[dim]));
  return build(0, 0);
}

/** Nested JS arrays of the values (a number or boolean for a 0-d array). */
export function toArray(x: Tracer): NestedValue {
  const c = concrete(x, "toArray");
  return nest(c.readSync(), c.shape, c.dtype === "bool");
}

/** A fresh typed array of the values, in row-major order. */
export function dataSync(x: Tracer): AnyTypedArray {
  return concrete(x, "dataSync").readSync();
}

export async function data(x: Tracer): Promise<AnyTypedArray> {
  return concrete(x, "data").readAsync();
}

/** The one value of a size-1 array. */
export function item(x: Tracer): number | boolean {
  const c = concrete(x, "item");
  if (c.size !== 1) throw new ValueError(`item(): can only convert an array of size 1 to a scalar, got shape ${fmtShape(c.shape)} (size ${c.size})`);
  const v = c.readSync()[0];
  return c.dtype === "bool" ? v !== 0 : v;
}

/** Shortest decimal that reads back as the same float32. */
function fmtFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

function fmtValue(v: NestedValue, dtype: string): string {
  if (Array.isArray(v)) return `[${v.map((e) => fmtValue(e, dtype)).join(", ")}]`;
  if (typeof v === "boolean") return String(v);
  if (Object.is(v, -0)) return "-0";
  return dtype === "float32" ? fmtFloat32(v) : String(v);
}

/** `Array([1, 2.5], dtype=float32)`; an abstract array prints its type and transformation. */
export function formatArray(x: Tracer): string {
  if (!(x instanceof ConcreteArray)) return `Traced<${x.aval}> (${x._trace.main.name})`;
  return `Array(${fmtValue(toArray(x), x.dtype)}, dtype=${x.dtype})`;
}
