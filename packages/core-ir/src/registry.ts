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

/**
 * The higher-order primitives (their params hold sub-programs), by name. A primitive named
 * here is evaluated by an impl rule, never by a backend kernel, so kernel tables are keyed by
 * `FirstOrderPrim` and the rule tables (JVP, partial eval, transpose) by all of `Prim`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HigherOrderPrims {}

export type Prim = keyof PrimParamMap & string;
export type HigherOrderPrim = keyof HigherOrderPrims & Prim;
export type FirstOrderPrim = Exclude<Prim, HigherOrderPrim>;
export type Params<P extends Prim> = PrimParamMap[P];
export type NoParams = Record<string, never>;

/**
 * Which inputs a primitive is linear in, taken jointly (e.g. add: [0, 1]; mul: bilinear).
 * `body`: a higher-order primitive, linear exactly where its sub-program is (its transpose
 * rule transposes the sub-program and says so when it is not).
 */
export type Linearity = "none" | "linear" | "bilinear" | "body";

type AvalRule<P extends Prim, R> = (avals: readonly ShapedArray[], params: Params<P>) => R;

interface PrimInfo<P extends Prim> {
  readonly name: P;
  readonly family: string;
  /** Number of inputs, or "variadic" (concatenate, gather indices, a sub-program's inputs, ...). */
  readonly arity: number | "variadic";
  /** `linear`: linear in `linearArgs` jointly; `bilinear`: linear in each of `linearArgs` separately. */
  readonly linearity: Linearity;
  readonly linearArgs: readonly number[] | "all";
  /** One line: what the primitive computes. */
  readonly doc: string;
}

/** A primitive with one output declares its shape and dtype rules separately. */
export interface OneOutputDecl<P extends Prim> extends PrimInfo<P> {
  /** Output shape from input avals and params; throws ShapeError on bad input. */
  readonly shapeRule: AvalRule<P, Shape>;
  /** Output dtype from input avals and params; throws DTypeError on bad input. */
  readonly dtypeRule: AvalRule<P, DType>;
}

/** A primitive with any number of outputs (higher-order ones) declares them as a list. */
export interface ManyOutputDecl<P extends Prim> extends PrimInfo<P> {
  readonly abstractEval: AvalRule<P, ShapedArray[]>;
}

export interface PrimDef<P extends Prim = Prim> extends PrimInfo<P> {
  /** Output avals from input avals and params; throws ShapeError/DTypeError on bad input. */
  readonly abstractEval: AvalRule<P, ShapedArray[]>;
  /** True for a primitive whose params hold sub-programs. */
  readonly higherOrder: boolean;
}

/**
 * A primitive's last abstract evaluation. Programs apply one primitive to one aval again
 * and again (a scalar loop, the layers of a network), and the rules are pure functions of
 * avals and params, so the result is reused instead of running the rules and allocating
 * new avals for every application.
 */
interface LastEval {
  readonly avals: readonly ShapedArray[];
  readonly params: unknown;
  readonly outs: ShapedArray[];
}

interface Row {
  readonly def: PrimDef<Prim>;
  last: LastEval | null;
}

const registry = new Map<string, Row>();

/** Declare a primitive. Declaring the same name twice is an error (one registry, one row). */
export function declarePrimitive<P extends Prim>(decl: OneOutputDecl<P> | ManyOutputDecl<P>, higherOrder = false): PrimDef<P> {
  if (registry.has(decl.name)) throw new Error(`primitive '${decl.name}' is declared twice`);
  const abstractEval: AvalRule<P, ShapedArray[]> =
    "abstractEval" in decl ? decl.abstractEval : (avals, params) => [new ShapedArray(decl.shapeRule(avals, params), decl.dtypeRule(avals, params))];
  const { name, family, arity, linearity, linearArgs, doc } = decl;
  const def: PrimDef<P> = { name, family, arity, linearity, linearArgs, doc, abstractEval, higherOrder };
  registry.set(name, { def: def as unknown as PrimDef<Prim>, last: null });
  return def;
}

export function getPrimitive<P extends Prim>(name: P): PrimDef<P> {
  const row = registry.get(name);
  if (!row) throw new UnknownPrimitiveError(name);
  return row.def as unknown as PrimDef<P>;
}

export function isPrimitive(name: string): name is Prim {
  return registry.has(name);
}

/** All declared primitives, in declaration order. */
export function primitives(): PrimDef<Prim>[] {
  return [...registry.values()].map((row) => row.def);
}

/** Abstract evaluation: the output avals of `prim` applied to inputs of these avals. */
/**
 * Abstract evaluation: the output avals of `prim` applied to inputs of these avals. The
 * result is shared between calls with equal avals and the same params: do not mutate it.
 */
export function abstractEval<P extends Prim>(prim: P, avals: readonly ShapedArray[], params: Params<P>): ShapedArray[] {
  const row = registry.get(prim);
  if (!row) throw new UnknownPrimitiveError(prim);
  const { def, last } = row;
  if (last !== null && sameParams(last.params, params) && sameAvals(last.avals, avals)) return last.outs;
  if (def.arity !== "variadic" && avals.length !== def.arity) {
    throw new ValueError(`${prim}: expected ${def.arity} operands, got ${avals.length}`);
  }
  const outs = Object.freeze(def.abstractEval(avals, params as never)) as ShapedArray[];
  row.last = { avals: avals.slice(), params, outs };
  return outs;
}

/**
 * `abstractEval` on the avals of `args`, without gathering them into an array when the
 * primitive's last result applies (bind calls this for every primitive).
 */
export function abstractEvalOf<P extends Prim>(prim: P, args: readonly { readonly aval: ShapedArray }[], params: Params<P>): ShapedArray[] {
  const last = registry.get(prim)?.last;
  if (last && sameParams(last.params, params) && last.avals.length === args.length) {
    let same = true;
    for (let i = 0; same && i < args.length; i++) {
      const a = args[i].aval;
      same = last.avals[i] === a || last.avals[i].equals(a);
    }
    if (same) return last.outs;
  }
  const avals = new Array<ShapedArray>(args.length);
  for (let i = 0; i < args.length; i++) avals[i] = args[i].aval;
  return abstractEval(prim, avals, params);
}

function sameAvals(a: readonly ShapedArray[], b: readonly ShapedArray[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !a[i].equals(b[i])) return false;
  return true;
}

/** The same params object, or two empty ones (rules write `{}` afresh at every call). */
function sameParams(a: unknown, b: unknown): boolean {
  return a === b || (isEmpty(a) && isEmpty(b));
}

/** A plain object without keys (a class instance may hold state its keys do not show). */
function isEmpty(params: unknown): boolean {
  if (typeof params !== "object" || params === null || Object.getPrototypeOf(params) !== Object.prototype) return false;
  for (const _ in params) return false;
  return true;
}

/** The first-order primitives (those with kernels), in declaration order. */
export function firstOrderPrimitives(): PrimDef<FirstOrderPrim>[] {
  return primitives().filter((p) => !p.higherOrder) as unknown as PrimDef<FirstOrderPrim>[];
}
