import { type FirstOrderPrim, type Params, type Prim, type Tracer, bind1, ops } from "@lintra/core-ir";
import type { Zero } from "@lintra/jvp";
import { transposeCustomLin } from "./transpose-custom.js";
import { transposeCond, transposeScan, transposeWhile } from "./transpose-control.js";
import { transposeCheckpoint, transposeJit, transposeName } from "./transpose-jit.js";
import { type UndefinedPrimal, isUndefined } from "./undefined-primal.js";

const { neg, mul, div, select, convert, reshape, reduceSum, expandReduced, zerosLike, transpose: transposeAxes } = ops;

type Input = Tracer | UndefinedPrimal;

/**
 * Transpose of a linear primitive: given the output cotangents (symbolic zeros where none
 * reached an output; at least one is not) and the inputs (linear ones are UndefinedPrimal),
 * the cotangent of each linear input (null for the others).
 */
export type TransposeRule<P extends Prim> = (cts: (Tracer | Zero)[], inputs: Input[], params: Params<P>) => (Tracer | null)[];

/** The one-output form the first-order rows are written in: their one cotangent is never zero. */
type TransposeRule1<P extends Prim> = (ct: Tracer, inputs: Input[], params: Params<P>) => (Tracer | null)[];

function oneOutput(rows: { [P in FirstOrderPrim]?: TransposeRule1<P> }): { [P in FirstOrderPrim]?: TransposeRule<P> } {
  const out: Record<string, TransposeRule<never>> = {};
  for (const [name, rule] of Object.entries(rows) as [string, TransposeRule1<never>][]) out[name] = (cts, inputs, params) => rule(cts[0] as Tracer, inputs, params);
  return out;
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const isIdentity = (perm: readonly number[]) => perm.every((p, i) => p === i);
const permute = (x: Tracer, perm: number[]) => (isIdentity(perm) ? x : transposeAxes(x, perm));
const inverse = (perm: readonly number[]) => perm.reduce<number[]>((inv, p, i) => ((inv[p] = i), inv), []);
/** Only the linear inputs get a cotangent. */
const onLinear = (inputs: Input[], f: (i: number) => Tracer) => inputs.map((x, i) => (isUndefined(x) ? f(i) : null));

/** Cotangent of dot_general's lhs: contract ct with rhs over rhs's free dims, then restore lhs's layout. */
function dotTransposeLhs(ct: Tracer, rhs: Tracer, lhsNdim: number, p: Params<"dot_general">): Tracer {
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = p;
  const nb = lb.length;
  const lf = range(lhsNdim).filter((d) => !lc.includes(d) && !lb.includes(d));
  const rf = range(rhs.ndim).filter((d) => !rc.includes(d) && !rb.includes(d));
  const r = ops.dotGeneral(ct, rhs, { lhsContracting: range(rf.length, nb + lf.length), rhsContracting: rf, lhsBatch: range(nb), rhsBatch: rb });
  // r's dims: batch, lhs free, then rhs's contracting dims in ascending order.
  const rcSorted = [...rc].sort((a, b) => a - b);
  const src: number[] = [];
  lb.forEach((d, i) => (src[d] = i));
  lf.forEach((d, j) => (src[d] = nb + j));
  lc.forEach((d, k) => (src[d] = nb + lf.length + rcSorted.indexOf(rc[k])));
  return permute(r, src);
}

/**
 * Cotangent of dot_general's rhs: contract lhs with ct over lhs's free dims. The result's
 * dims are batch, lhs's contracting dims (ascending), rhs's free dims — already rhs's layout
 * when rhs is (batch, contracting, free), as a matmul's weight is, so nothing is transposed.
 */
function dotTransposeRhs(ct: Tracer, lhs: Tracer, rhsNdim: number, p: Params<"dot_general">): Tracer {
  const { lhsContracting: lc, rhsContracting: rc, lhsBatch: lb, rhsBatch: rb } = p;
  const nb = lb.length;
  const lf = range(lhs.ndim).filter((d) => !lc.includes(d) && !lb.includes(d));
  const rf = range(rhsNdim).filter((d) => !rc.includes(d) && !rb.includes(d));
  const r = ops.dotGeneral(lhs, ct, { lhsContracting: lf, rhsContracting: range(lf.length, nb), lhsBatch: lb, rhsBatch: range(nb) });
  const lcSorted = [...lc].sort((a, b) => a - b);
  const src: number[] = [];
  rb.forEach((d, i) => (src[d] = i));
  rc.forEach((d, k) => (src[d] = nb + lcSorted.indexOf(lc[k])));
  rf.forEach((d, j) => (src[d] = nb + lc.length + j));
  return permute(r, src);
}

/** Cotangent of broadcast_in_dim: sum over the broadcast dims, then restore size-1 dims. */
function unbroadcast(ct: Tracer, x: Input, { shape, broadcastDimensions: bd }: Params<"broadcast_in_dim">): Tracer {
  const expanded = bd.filter((d, i) => x.aval.shape[i] === 1 && shape[d] !== 1);
  const axes = range(shape.length).filter((d) => !bd.includes(d) || expanded.includes(d));
  const summed = reduceSum(ct, axes);
  return summed.ndim === x.aval.ndim && summed.shape.every((s, i) => s === x.aval.shape[i]) ? summed : reshape(summed, x.aval.shape);
}

/** Cotangent of slice: pad back to the operand's shape, zeros between strided elements. */
function unslice(ct: Tracer, x: Input, { startIndices, strides }: Params<"slice">): Tracer {
  const config = x.aval.shape.map((d, i) => {
    const s = strides ? strides[i] : 1;
    const n = ct.shape[i];
    const last = n > 0 ? startIndices[i] + (n - 1) * s + 1 : startIndices[i];
    return [startIndices[i], d - last, s - 1] as const;
  });
  return bind1("pad", [ct, ops.full([], 0, ct.dtype)], { paddingConfig: config });
}

/** Cotangent of pad's operand: undo the edge padding, then take every (interior+1)-th element. */
function unpad(ct: Tracer, { paddingConfig }: Params<"pad">): Tracer {
  const cropped = bind1("pad", [ct, ops.full([], 0, ct.dtype)], { paddingConfig: paddingConfig.map(([lo, hi]) => [-lo, -hi, 0] as const) });
  return bind1("slice", [cropped], {
    startIndices: cropped.shape.map(() => 0),
    limitIndices: cropped.shape,
    strides: paddingConfig.map(([, , interior]) => interior + 1),
  });
}

function unconcatenate(ct: Tracer, inputs: Input[], { dimension }: Params<"concatenate">): (Tracer | null)[] {
  let offset = 0;
  return inputs.map((x) => {
    const start = offset;
    offset += x.aval.shape[dimension];
    if (!isUndefined(x)) return null;
    return bind1("slice", [ct], {
      startIndices: ct.shape.map((_, i) => (i === dimension ? start : 0)),
      limitIndices: ct.shape.map((d, i) => (i === dimension ? offset : d)),
      strides: null,
    });
  });
}

/** Rules for exactly the primitives that are linear in some inputs (registry linearity != "none"). */
const firstOrderTransposeRules: { [P in FirstOrderPrim]?: TransposeRule1<P> } = {
  neg: (ct) => [neg(ct)], // (−)ᵀ = −
  add: (ct, inputs) => onLinear(inputs, () => ct), // (x + y)ᵀ ct = (ct, ct)
  sub: (ct, inputs) => onLinear(inputs, (i) => (i === 0 ? ct : neg(ct))), // (x − y)ᵀ ct = (ct, −ct)
  mul: (ct, [x, y]) => [isUndefined(x) ? mul(ct, y as Tracer) : null, isUndefined(y) ? mul(x as Tracer, ct) : null], // (a·x)ᵀ = a·ct
  div: (ct, [, y]) => [div(ct, y as Tracer), null], // (x / b)ᵀ ct = ct / b
  select: (ct, [p, a, b]) => {
    const zeros = zerosLike(ct);
    return [null, isUndefined(a) ? select(p as Tracer, ct, zeros) : null, isUndefined(b) ? select(p as Tracer, zeros, ct) : null];
  },
  convert_element_type: (ct, [x]) => [convert(ct, x.aval.dtype)],

  broadcast_in_dim: (ct, [x], params) => [unbroadcast(ct, x, params)], // broadcastᵀ = sum
  reshape: (ct, [x]) => [reshape(ct, x.aval.shape)],
  transpose: (ct, _inputs, { permutation }) => [permute(ct, inverse(permutation))],
  rev: (ct, _inputs, params) => [bind1("rev", [ct], params)], // rev is its own transpose
  slice: (ct, [x], params) => [unslice(ct, x, params)], // sliceᵀ = pad with zeros
  // padᵀ: operand gets the unpadded window; the padding value gets the sum of the rest
  pad: (ct, [x, v], params) => {
    const operandCt = unpad(ct, params);
    const all = (t: Tracer) => reduceSum(t, range(t.ndim));
    return [isUndefined(x) ? operandCt : null, isUndefined(v) ? ops.sub(all(ct), all(operandCt)) : null];
  },
  concatenate: (ct, inputs, params) => unconcatenate(ct, inputs, params), // concatenateᵀ = slices

  reduce_sum: (ct, [x], { axes }) => [expandReduced(ct, x.aval.shape, axes)], // sumᵀ = broadcast
  cumsum: (ct, _inputs, { axis, reverse }) => [bind1("cumsum", [ct], { axis, reverse: !reverse })], // lower-triangular ones, transposed
  dot_general: (ct, [x, y], params) => [
    isUndefined(x) ? dotTransposeLhs(ct, y as Tracer, x.aval.ndim, params) : null,
    isUndefined(y) ? dotTransposeRhs(ct, x as Tracer, y.aval.ndim, params) : null,
  ],

  gather: (ct, [x, ...indices], { axes }) => [bind1("scatter_add", [zerosLike(x.aval), ct, ...(indices as Tracer[])], { axes }), ...indices.map(() => null)], // gatherᵀ = scatter-add
  scatter_add: (ct, [x, u, ...indices], { axes }) => [
    isUndefined(x) ? ct : null,
    isUndefined(u) ? bind1("gather", [ct, ...(indices as Tracer[])], { axes }) : null,
    ...indices.map(() => null),
  ],
  dynamic_slice: (ct, [x, ...starts]) => [bind1("dynamic_update_slice", [zerosLike(x.aval), ct, ...(starts as Tracer[])], {}), ...starts.map(() => null)],
  dynamic_update_slice: (ct, [x, u, ...starts]) => [
    isUndefined(x) ? bind1("dynamic_update_slice", [ct, zerosLike(u.aval), ...(starts as Tracer[])], {}) : null,
    isUndefined(u) ? bind1("dynamic_slice", [ct, ...(starts as Tracer[])], { sliceSizes: u.aval.shape }) : null,
    ...starts.map(() => null),
  ],
};

export const transposeRules: { [P in Prim]?: TransposeRule<P> } = {
  ...oneOutput(firstOrderTransposeRules),
  jit: transposeJit, // a jit of the transposed body
  checkpoint: transposeCheckpoint, // a checkpoint of the transposed body (recomputation runs forward in it)
  name: transposeName, // the identity
  cond: transposeCond, // cond of the transposed branches
  scan: transposeScan, // a reverse scan of the transposed body
  while: transposeWhile, // a typed error: no reverse mode through while, as in JAX
  custom_lin: transposeCustomLin, // the user's bwd
};
