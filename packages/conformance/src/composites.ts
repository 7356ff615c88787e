import { type DType, type Params, type FirstOrderPrim, type Shape, type Tracer, bind1, lax, ops } from "@lintra/core-ir";

/*
 * Composite functions whose derivatives run through the backend: every primitive the
 * linearized and transposed programs need (dot_general both ways, broadcast ↔ reduce_sum,
 * gather ↔ scatter_add, pad ↔ slice, …) runs on it. Written with `bind`, as the rule tables
 * are, so the suite does not depend on the `lintra` package.
 */

/** Makes a constant array (labels, indices) of the given dtype for the current run. */
export type Constant = (values: readonly number[], shape: Shape, dtype: DType) => Tracer;

export interface Composite {
  readonly name: string;
  /** The float arguments: a shape, or an object of shapes (a pytree of parameters). */
  readonly args: readonly (Shape | Readonly<Record<string, Shape>>)[];
  /** The function with a vector output (for jvp and vjp) … */
  readonly vector: (dtype: DType, constant: Constant) => (...args: any[]) => Tracer;
  /** … and a scalar loss built from it (for grad). */
  readonly scalar: (dtype: DType, constant: Constant) => (...args: any[]) => Tracer;
}

const b = <P extends FirstOrderPrim>(prim: P, xs: Tracer[], params: Params<P>) => bind1(prim, xs, params);
const add = (x: Tracer, y: Tracer) => b("add", [x, y], {});
const sub = (x: Tracer, y: Tracer) => b("sub", [x, y], {});
const mul = (x: Tracer, y: Tracer) => b("mul", [x, y], {});
const un = (prim: FirstOrderPrim, x: Tracer) => bind1(prim, [x], {} as never);
const sum = (x: Tracer, axes: number[]) => b("reduce_sum", [x], { axes });
const sumAll = (x: Tracer) => sum(x, x.shape.map((_, i) => i));
const scale = (x: Tracer, c: number) => mul(x, ops.fullLike(x, c));
const broadcast = (x: Tracer, shape: Shape, dims: number[]) => b("broadcast_in_dim", [x], { shape, broadcastDimensions: dims });
const matmul = (x: Tracer, y: Tracer) => b("dot_general", [x, y], { lhsContracting: [x.ndim - 1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] });
/** x + bias along the last axis. */
const addBias = (x: Tracer, bias: Tracer) => add(x, broadcast(bias, x.shape, [x.ndim - 1]));
/** Per-row values of a [n, k] array as [n, k] again. */
const perRow = (v: Tracer, shape: Shape) => broadcast(v, shape, [0]);

interface MlpParams {
  w1: Tracer;
  b1: Tracer;
  w2: Tracer;
  b2: Tracer;
}

const LABELS = [0, 3, 1, 2, 3, 0];

/** Per-example softmax cross-entropy of a two-layer MLP; labels as a one-hot from iota == label. */
function mlpLosses(dtype: DType, constant: Constant) {
  return ({ w1, b1, w2, b2 }: MlpParams, x: Tracer): Tracer => {
    const hidden = un("tanh", addBias(matmul(x, w1), b1));
    const logits = addBias(matmul(hidden, w2), b2);
    const shape = logits.shape;
    // log softmax, stable: subtract the (non-differentiated) row maximum first.
    const top = un("stop_gradient", b("reduce_max", [logits], { axes: [1] }));
    const shifted = sub(logits, perRow(top, shape));
    const logSumExp = un("log", sum(un("exp", shifted), [1]));
    const logProbs = sub(shifted, perRow(logSumExp, shape));
    const labels = perRow(constant(LABELS, [LABELS.length], "int32"), shape);
    const classes = b("iota", [], { dtype: "int32", shape, dimension: 1 });
    const oneHot = ops.convert(b("eq", [classes, labels], {}), dtype);
    return un("neg", sum(mul(oneHot, logProbs), [1]));
  };
}

const mlp: Composite = {
  name: "MLP softmax cross-entropy",
  args: [{ w1: [5, 7], b1: [7], w2: [7, 4], b2: [4] }, [LABELS.length, 5]],
  vector: mlpLosses,
  scalar: (dtype, constant) => (params, x) => scale(sumAll(mlpLosses(dtype, constant)(params, x)), 1 / LABELS.length),
};

/** Broadcasting, reductions (sum, max, prod, cumsum) and movement (transpose, rev, pad, slice, concatenate). */
function broadcastReduce(x: Tracer, y: Tracer, s: Tracer): Tracer {
  const a = add(mul(x, broadcast(y, x.shape, [1])), broadcast(s, x.shape, []));
  const wave = mul(un("sin", a), un("logistic", a));
  const rowSums = sum(wave, [1]);
  const rowMax = b("reduce_max", [x], { axes: [1] });
  const running = b("cumsum", [wave], { axis: 0, reverse: true });
  const norms = b("reduce_prod", [un("sqrt", add(mul(x, x), ops.fullLike(x, 1)))], { axes: [0] });
  const bell = un("exp", un("neg", mul(a, a)));
  const flipped = b("rev", [b("transpose", [bell], { permutation: [1, 0] })], { dimensions: [0] });
  const padded = b("pad", [flipped, ops.full([], 0, x.dtype)], { paddingConfig: [[0, 1, 0], [1, 0, 1]] });
  const picked = b("slice", [padded], { startIndices: [0, 0], limitIndices: [6, 6], strides: [2, 3] });
  const column = (v: Tracer) => b("reshape", [v], { newSizes: [v.shape[0], 1] });
  const pairs = b("concatenate", [column(rowSums), column(rowMax)], { dimension: 1 });
  const total = broadcast(sum(norms, [0]), [x.shape[0]], []);
  return add(add(sum(mul(pairs, picked), [1]), sum(running, [1])), total);
}

const broadcasting: Composite = {
  name: "broadcasting and reductions",
  args: [[3, 5], [5], []],
  vector: () => broadcastReduce,
  scalar: () => (x, y, s) => sumAll(broadcastReduce(x, y, s)),
};

/** gather, scatter_add, dynamic_slice, dynamic_update_slice, slice and select. */
function indexing(constant: Constant) {
  return (x: Tracer, u: Tracer): Tracer => {
    const i32 = (v: number) => constant([v], [], "int32");
    const rows = b("gather", [x, constant([0, 5, 2, 7, 2], [5], "int32")], { axes: [0] });
    const scattered = b("scatter_add", [x, u, constant([1, 1, -2], [3], "int32")], { axes: [0] });
    const window = b("dynamic_slice", [scattered, i32(4), i32(1)], { sliceSizes: [3, 2] });
    const updated = b("dynamic_update_slice", [x, mul(u, u), i32(2), i32(0)], {});
    const strided = b("slice", [rows], { startIndices: [1, 0], limitIndices: [5, 4], strides: [2, 1] });
    const leaky = b("select", [b("gt", [updated, ops.zerosLike(updated)], {}), updated, scale(updated, 0.1)], {});
    const parts = [sum(mul(strided, strided), [0]), sum(leaky, [0]), sum(mul(window, un("exp", window)), [0])];
    return b("concatenate", parts, { dimension: 0 });
  };
}

const indexingComposite: Composite = {
  name: "gather, scatter and slicing",
  args: [[6, 4], [3, 4]],
  vector: (_, constant) => indexing(constant),
  scalar: (_, constant) => (x, u) => sumAll(indexing(constant)(x, u)),
};

/**
 * scan, while and cond: a recurrence over the rows of xs (residuals stacked per step), a
 * while loop counting halvings of an integer (nothing to differentiate), and a switch on
 * that count choosing how to transform the final carry.
 */
function controlFlow(constant: Constant) {
  return (xs: Tracer, h: Tracer): Tracer => {
    const [carry, ys] = lax.scan(
      (c: Tracer, xi: Tracer) => {
        const next = un("tanh", add(mul(c, xi), scale(c, 0.5)));
        return [next, sumAll(mul(next, next))];
      },
      h,
      xs,
    ) as [Tracer, Tracer];
    const i32 = (v: number) => constant([v], [], "int32");
    const [, halvings] = lax.whileLoop(
      ([n]: Tracer[]) => b("gt", [n, i32(1)], {}),
      ([n, k]: Tracer[]) => [b("div", [n, i32(2)], {}), add(k, i32(1))],
      [i32(13), i32(0)],
    ) as Tracer[];
    const picked = lax.switch(halvings, [(c: Tracer) => un("sin", c), (c: Tracer) => mul(c, c), (c: Tracer) => un("exp", c)], carry) as Tracer;
    return b("concatenate", [ys, picked], { dimension: 0 });
  };
}

const controlFlowComposite: Composite = {
  name: "scan, while and cond",
  args: [[4, 3], [3]],
  vector: (_, constant) => controlFlow(constant),
  scalar: (_, constant) => (xs, h) => sumAll(controlFlow(constant)(xs, h)),
};

export const composites: readonly Composite[] = [mlp, broadcasting, indexingComposite, controlFlowComposite];
