import { type DType, isFloat } from "../dtype.js";
import type { FirstOrderPrim } from "../registry.js";
import { TYPED_ARRAY, allocSource } from "./literals.js";
import type { EmitArgs, SourceEmitter, SourceEmitterTable } from "./types.js";
import type { SourceWriter } from "./writer.js";

/*
 * Elementwise primitives: out[i] = op(x[i], …). The op is computed in doubles and stored
 * into a typed array of the output type, exactly as the reference backend's kernels do:
 * the store rounds float32, wraps int32 and truncates to a byte for bool, so
 * e.g. int32 `x + y` needs no `| 0` (the store wraps just as `| 0` would).
 */

/** The expression for one element, from the operands' element expressions (each atomic). */
export type ScalarOp = (args: readonly string[], w: SourceWriter) => string;

/** Replacements of a float op for int32 and bool operands (as backend-cpu's `Overrides`). */
interface Overrides {
  readonly int32?: ScalarOp;
  readonly bool?: ScalarOp;
}

const pick = (op: ScalarOp, over: Overrides, dtype: DType): ScalarOp => (isFloat(dtype) ? op : (over[dtype as "int32" | "bool"] ?? op));

/** Emit `const y = new T(n); for (…) y[i] = op(x[i], …);`, op chosen by the first operand's dtype. */
function map(op: ScalarOp, over: Overrides = {}): SourceEmitter<FirstOrderPrim> {
  return ({ ins, out, w }: EmitArgs<FirstOrderPrim>) => {
    const f = pick(op, over, ins[0].aval.dtype);
    w.line(`const ${out.name} = ${allocSource(out.aval)};`);
    const n = out.aval.size;
    if (n === 0) return;
    if (n === 1) return w.line(`${out.name}[0] = ${f(ins.map((x) => x.at("0")), w)};`);
    const i = w.fresh("i");
    w.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) ${out.name}[${i}] = ${f(ins.map((x) => x.at(i)), w)};`);
  };
}

const call =
  (fn: string): ScalarOp =>
  (args) =>
    `${fn}(${args.join(", ")})`;
const helperCall =
  (fn: Parameters<SourceWriter["use"]>[0]): ScalarOp =>
  (args, w) =>
    `${w.use(fn)}(${args.join(", ")})`;
const infix =
  (op: string): ScalarOp =>
  ([x, y]) =>
    `${x} ${op} ${y}`;
/** A comparison: 1 where it holds (never when a NaN is involved, except `!==`). */
const compare =
  (op: string): ScalarOp =>
  ([x, y]) =>
    `${x} ${op} ${y} ? 1 : 0`;

/** Unary ops that are one Math function in every dtype they accept. */
const MATH_UNARY = [
  ["abs", "abs"], ["floor", "floor"], ["ceil", "ceil"], ["exp", "exp"], ["log", "log"], ["log1p", "log1p"],
  ["expm1", "expm1"], ["sqrt", "sqrt"], ["sin", "sin"], ["cos", "cos"], ["tan", "tan"], ["asin", "asin"],
  ["acos", "acos"], ["atan", "atan"], ["sinh", "sinh"], ["cosh", "cosh"], ["tanh", "tanh"],
] as const;

/**
 * An elementwise op as data: its element expression, chosen by operand dtype. The one place
 * per op: single-equation loops (below) and fused loops (emit-fused.ts) are built from it.
 */
export interface ElementOp {
  readonly op: ScalarOp;
  readonly over?: Overrides;
}
const el = (op: ScalarOp, over: Overrides = {}): ElementOp => ({ op, over });

const mathUnary = Object.fromEntries(MATH_UNARY.map(([prim, fn]) => [prim, el(call(`Math.${fn}`))])) as {
  [K in (typeof MATH_UNARY)[number][0]]: ElementOp;
};

export const elementOps = {
  ...mathUnary,
  neg: el(([x]) => `-${x}`),
  // Keeps -0 and NaN as they are.
  sign: el(([x]) => `${x} > 0 ? 1 : ${x} < 0 ? -1 : ${x}`),
  // Half away from zero; Math.round alone rounds half up (Math.round(-2.5) = -2).
  round: el(([x]) => `${x} < 0 ? -Math.round(-${x}) : Math.round(${x})`),
  rsqrt: el(([x]) => `1 / Math.sqrt(${x})`),
  logistic: el(helperCall("$logistic")),
  erf: el(helperCall("$erf")),
  // Finite exactly when x - x is 0 (Inf - Inf and NaN - NaN are NaN); Number.isFinite is a global.
  is_finite: el(([x]) => `${x} - ${x} === 0 ? 1 : 0`),
  not: el(([x]) => `~${x}`, { bool: ([x]) => `${x} ? 0 : 1` }),

  add: el(infix("+")),
  sub: el(infix("-")),
  mul: el(infix("*"), { int32: call("Math.imul") }),
  // int32: truncating; x / 0 = 0; -2^31 / -1 wraps.
  div: el(infix("/"), { int32: ([x, y]) => `${y} === 0 ? 0 : (${x} / ${y}) | 0` }),
  // The sign of x, as C's fmod (which JavaScript's % is); int32: rem(x, 0) = 0.
  rem: el(infix("%"), { int32: ([x, y]) => `${y} === 0 ? 0 : ${x} % ${y}` }),
  pow: el(helperCall("$pow"), { int32: helperCall("$powInt32") }),
  // Math.max/min propagate NaN; on bool's 0/1 they are or/and.
  max: el(call("Math.max")),
  min: el(call("Math.min")),
  atan2: el(call("Math.atan2")),
  and: el(infix("&")),
  or: el(infix("|")),
  xor: el(infix("^")),
  // The amount is read as unsigned (>>> 0): 32 or more shifts every bit out, where JS would take it mod 32.
  shift_left: el(([x, y]) => `${y} >>> 0 < 32 ? ${x} << ${y} : 0`),
  shift_right_logical: el(([x, y]) => `${y} >>> 0 < 32 ? ${x} >>> ${y} : 0`),
  shift_right_arithmetic: el(([x, y]) => `${x} >> (${y} >>> 0 < 32 ? ${y} : 31)`),

  eq: el(compare("===")),
  ne: el(compare("!==")),
  lt: el(compare("<")),
  le: el(compare("<=")),
  gt: el(compare(">")),
  ge: el(compare(">=")),

  select: el(([p, onTrue, onFalse]) => `${p} ? ${onTrue} : ${onFalse}`),
  stop_gradient: el(([x]) => x),
} satisfies { [P in FirstOrderPrim]?: ElementOp };

export type ElementOpPrim = keyof typeof elementOps;

/** convert_element_type: float -> int32 truncates and saturates (NaN -> 0); -> bool is x != 0; else the store converts. */
export function convertExpression(from: DType, to: DType): ScalarOp {
  return to === "bool" ? ([x]) => `${x} !== 0 ? 1 : 0` : to === "int32" && isFloat(from) ? helperCall("$toInt32") : ([x]) => x;
}

/** The element expression of an op for operands of dtype `dtype` (the first operand's). */
export const elementExpression = ({ op, over = {} }: ElementOp, dtype: DType): ScalarOp => pick(op, over, dtype);

const convert: SourceEmitter<"convert_element_type"> = (args) => map(convertExpression(args.ins[0].aval.dtype, args.params.newDtype))(args);

/** bitcast_convert_type: a copy of the operand's bytes viewed as the new type (same width, so same length). */
const bitcast: SourceEmitter<"bitcast_convert_type"> = ({ ins: [x], out, w }) => {
  w.line(`const ${out.name} = new ${TYPED_ARRAY[out.aval.dtype]}(${x.copy()}.buffer);`);
};

/** iota: element i of a row-major array is (i / inner) % len along `dimension`. */
const iota: SourceEmitter<"iota"> = ({ params: { shape, dimension }, out, w }) => {
  const inner = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
  const len = shape[dimension];
  w.line(`const ${out.name} = ${allocSource(out.aval)};`);
  if (out.aval.size === 0) return;
  const i = w.fresh("i");
  const value = inner === 1 ? `${i} % ${len}` : `Math.floor(${i} / ${inner}) % ${len}`;
  w.line(`for (let ${i} = 0; ${i} < ${out.aval.size}; ${i}++) ${out.name}[${i}] = ${value};`);
};

const { stop_gradient: _identity, ...mapped } = elementOps;

export const elementwiseEmitters = {
  ...(Object.fromEntries(Object.entries(mapped).map(([prim, e]) => [prim, map(e.op, e.over)])) as { [P in keyof typeof mapped]: SourceEmitter<P> }),
  convert_element_type: convert,
  bitcast_convert_type: bitcast,
  // A copy of the whole array: no loop needed.
  stop_gradient: ({ ins: [x], out, w }) => w.line(`const ${out.name} = ${x.copy()};`),
  iota,
} satisfies SourceEmitterTable;
