import type { DType } from "./dtype.js";
import { UnknownPrimitiveError, ValueError } from "./errors.js";
import { ShapedArray, type Shape } from "./shape.js";

/**
 * The one primitive registry, as a type: primitive name -> its params type.
 * Each family file (prims/*.ts) adds its rows by module augmentation, and so can third
 * parties. Tables keyed by `Prim` (`{ [P in Prim]: JvpRule<P> }`) are then checked for
 * exhaustiveness by the compiler.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PrimParamMap {}

export type Prim = keyof PrimParamMap & string;
export type Params<P extends Prim> = PrimParamMap[P];
export type NoParams = Record<string, never>;

/** Which inputs a primitive is linear in, taken jointly (e.g. add: [0, 1]; mul: bilinear). */
export type Linearity = "none" | "linear" | "bilinear";

export interface PrimDef<P extends Prim = Prim> {
  readonly name: P;
  readonly family: string;
  /** Number of inputs, or "variadic" (concatenate, gather indices, ...). */
  readonly arity: number | "variadic";
  /** `linear`: linear in `linearArgs` jointly; `bilinear`: linear in each of `linearArgs` separately. */
  readonly linearity: Linearity;
  readonly linearArgs: readonly number[] | "all";
  /** Output shape from input avals and params; throws ShapeError on bad input. */
  readonly shapeRule: (avals: readonly ShapedArray[], params: Params<P>) => Shape;
  /** Output dtype from input avals and params; throws DTypeError on bad input. */
  readonly dtypeRule: (avals: readonly ShapedArray[], params: Params<P>) => DType;
  /** One line: what the primitive computes. */
  readonly doc: string;
}

const registry = new Map<string, PrimDef<Prim>>();

/** Declare a primitive. Declaring the same name twice is an error (one registry, one row). */
export function declarePrimitive<P extends Prim>(def: PrimDef<P>): PrimDef<P> {
  if (registry.has(def.name)) throw new Error(`primitive '${def.name}' is declared twice`);
  registry.set(def.name, def as unknown as PrimDef<Prim>);
  return def;
}

export function getPrimitive<P extends Prim>(name: P): PrimDef<P> {
  const def = registry.get(name);
  if (!def) throw new UnknownPrimitiveError(name);
  return def as unknown as PrimDef<P>;
}

export function isPrimitive(name: string): name is Prim {
  return registry.has(name);
}

/** All declared primitives, in declaration order. */
export function primitives(): PrimDef<Prim>[] {
  return [...registry.values()];
}

/** Abstract evaluation: the output aval of `prim` applied to inputs of these avals. */
export function abstractEval<P extends Prim>(prim: P, avals: readonly ShapedArray[], params: Params<P>): ShapedArray {
  const def = getPrimitive(prim);
  if (def.arity !== "variadic" && avals.length !== def.arity) {
    throw new ValueError(`${prim}: expected ${def.arity} operands, got ${avals.length}`);
  }
  const dtype = def.dtypeRule(avals, params);
  const shape = def.shapeRule(avals, params);
  return new ShapedArray(shape, dtype);
}
