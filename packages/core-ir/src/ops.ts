import type { DType } from "./dtype.js";
import type { Params } from "./registry.js";
import type { Shape } from "./shape.js";
import { ConcreteArray } from "./eval.js";
import { noteProduced } from "./memory.js";
import { type Tracer, bind1 as bind } from "./trace.js";

/*
 * Thin wrappers over `bind` for the rule tables (JVP, transpose), which think in
 * primitives with explicit shapes. User code goes through `lintra`'s np/lax instead.
 */

export const neg = (x: Tracer) => bind("neg", [x], {});
export const add = (x: Tracer, y: Tracer) => bind("add", [x, y], {});
export const sub = (x: Tracer, y: Tracer) => bind("sub", [x, y], {});
export const mul = (x: Tracer, y: Tracer) => bind("mul", [x, y], {});
export const div = (x: Tracer, y: Tracer) => bind("div", [x, y], {});
export const select = (p: Tracer, onTrue: Tracer, onFalse: Tracer) => bind("select", [p, onTrue, onFalse], {});
export const convert = (x: Tracer, newDtype: DType) => (x.dtype === newDtype ? x : bind("convert_element_type", [x], { newDtype }));
export const reshape = (x: Tracer, newSizes: Shape) => bind("reshape", [x], { newSizes });
export const transposeAxes = (x: Tracer, permutation: readonly number[]) => bind("transpose", [x], { permutation });
export const reduceSum = (x: Tracer, axes: readonly number[]) => (axes.length ? bind("reduce_sum", [x], { axes }) : x);
export const dotGeneral = (x: Tracer, y: Tracer, dims: Params<"dot_general">) => bind("dot_general", [x, y], dims);

export function broadcastInDim(x: Tracer, shape: Shape, broadcastDimensions: readonly number[]): Tracer {
  return bind("broadcast_in_dim", [x], { shape, broadcastDimensions });
}

/** An array of `shape` filled with `value`: a scalar literal broadcast (staged as one equation). */
export function full(shape: Shape, value: number, dtype: DType): Tracer {
  const scalar = ConcreteArray.scalar(value, dtype);
  // A rule's constant is transformation-internal work like its kernels' outputs.
  noteProduced(scalar);
  return shape.length === 0 ? scalar : broadcastInDim(scalar, shape, []);
}

/** `value` with the shape and dtype of `x`. */
export const fullLike = (x: { shape: Shape; dtype: DType }, value: number) => full(x.shape, value, x.dtype);
export const zerosLike = (x: { shape: Shape; dtype: DType }) => fullLike(x, 0);

/** Broadcast `y` (the result of reducing over `axes`) back to `shape`. */
export function expandReduced(y: Tracer, shape: Shape, axes: readonly number[]): Tracer {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return broadcastInDim(y, shape, kept);
}
