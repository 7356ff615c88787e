/**
 * Random programs for the fuzz tests.
 *
 * fast-check generates a list of "genes" (an op kind and a few natural numbers each); `resolve`
 * turns them into a well-typed `Program`, a small DAG over a few float64 inputs of shapes [],
 * [3] or [2,3]. Operand indices are taken modulo the values defined so far (0 is the most recent
 * value), and operands whose shapes do not fit are repaired with explicit nodes (a mean to a
 * scalar, a broadcast, a transpose), so every gene list is a valid program and shrinks to one.
 * `makeFunction` turns a program into a JS function over lintra arrays; `describeProgram`
 * prints it as readable pseudo-code, which is what a failing property reports.
 *
 * Higher-order nodes (jit, cond, switch, scan, foriLoop, whileLoop) carry bodies: programs of
 * their own that take explicit parameters and may also read (capture) one value of the
 * enclosing scope. A loop step ends with carry = tanh(carry + body result), so no loop can
 * overflow.
 */
import fc from "fast-check";
import { jit, lax, np } from "../../src/index.js";

export type Shape = readonly number[];

export const INPUT_SHAPES: readonly Shape[] = [[], [3], [2, 3]];

export const UNARY_OPS = ["sin", "cos", "tanh", "expTanh", "logOnePlusSquare", "square", "neg", "half"] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];
export const SMOOTH_BINARY_OPS = ["add", "sub", "mul"] as const;
export const BINARY_OPS = [...SMOOTH_BINARY_OPS, "maximum"] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const FIRST_ORDER_KINDS = ["unary", "binary", "reduce", "broadcast", "reshape", "transpose", "matmul", "where"] as const;
export type FirstOrderKind = (typeof FIRST_ORDER_KINDS)[number];
export const HIGHER_ORDER_KINDS = ["jit", "cond", "switch", "scan", "fori", "while"] as const;
export type HigherOrderKind = (typeof HIGHER_ORDER_KINDS)[number];
export type GeneKind = FirstOrderKind | HigherOrderKind;

/** Cond and switch thresholds and while-loop bounds: away from round numbers, so a tie is not a likely value. */
export const THRESHOLDS = [-0.9, -0.3, 0.2, 0.7].map((t) => t + 0.0123457);
const WHILE_BOUNDS = [-0.5, 0.5, 2].map((t) => t + 0.0234567);

export type Node =
  | { readonly kind: "unary"; readonly op: UnaryOp; readonly x: number }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly x: number; readonly y: number }
  | { readonly kind: "reduce"; readonly op: "sum" | "mean"; readonly x: number; readonly axis: number | null }
  | { readonly kind: "broadcast"; readonly x: number; readonly shape: Shape }
  | { readonly kind: "reshape"; readonly x: number; readonly shape: Shape }
  | { readonly kind: "transpose"; readonly x: number }
  | { readonly kind: "matmul"; readonly x: number; readonly y: number }
  | { readonly kind: "where"; readonly cmp: "greater" | "less"; readonly x: number; readonly y: number; readonly onTrue: number; readonly onFalse: number }
  | { readonly kind: "jit"; readonly args: readonly number[]; readonly body: Program }
  | { readonly kind: "cond"; readonly pred: number; readonly threshold: number; readonly args: readonly number[]; readonly onTrue: Program; readonly onFalse: Program }
  /** Branch index: offset + how many thresholds sum(pred) exceeds, clamped into range by lax.switch. */
  | { readonly kind: "switch"; readonly pred: number; readonly offset: number; readonly args: readonly number[]; readonly branches: readonly Program[] }
  | { readonly kind: "scan"; readonly init: number; readonly xs: number; readonly reverse: boolean; readonly body: Program }
  | { readonly kind: "fori"; readonly init: number; readonly steps: number; readonly body: Program }
  | { readonly kind: "while"; readonly init: number; readonly maxSteps: number; readonly bound: number; readonly body: Program };

/** One node and the indices of the values it defines (`first`, `first + 1`, ...). */
export interface Step {
  readonly node: Node;
  readonly first: number;
  readonly shapes: readonly Shape[];
}

/**
 * Values are numbered: parameters, then captures (values of the enclosing scope, by their index
 * there), then the outputs of each step in order.
 */
export interface Program {
  readonly params: readonly Shape[];
  readonly captures: readonly number[];
  readonly steps: readonly Step[];
  readonly shapes: readonly Shape[];
  readonly outputs: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// Genes
// ---------------------------------------------------------------------------------------------

export interface Gene {
  readonly kind: GeneKind;
  readonly op: number;
  readonly refs: readonly [number, number, number, number];
  readonly k: number;
  readonly bodies: readonly (readonly Gene[])[];
}

/** Which genes a program may contain. Smooth families (for finite differences) have no maximum and no where. */
export interface Family {
  readonly firstOrder: readonly FirstOrderKind[];
  readonly higherOrder: readonly HigherOrderKind[];
  readonly smooth: boolean;
}

const ALL_FIRST_ORDER: readonly FirstOrderKind[] = FIRST_ORDER_KINDS;
const SMOOTH_FIRST_ORDER: readonly FirstOrderKind[] = FIRST_ORDER_KINDS.filter((k) => k !== "where");
const REVERSE_MODE_CONTROL: readonly HigherOrderKind[] = ["jit", "cond", "switch", "scan", "fori"];

export const FAMILIES = {
  firstOrder: { firstOrder: ALL_FIRST_ORDER, higherOrder: [], smooth: false },
  smoothFirstOrder: { firstOrder: SMOOTH_FIRST_ORDER, higherOrder: [], smooth: true },
  control: { firstOrder: ALL_FIRST_ORDER, higherOrder: REVERSE_MODE_CONTROL, smooth: false },
  smoothControl: { firstOrder: SMOOTH_FIRST_ORDER, higherOrder: REVERSE_MODE_CONTROL, smooth: true },
  forwardControl: { firstOrder: ALL_FIRST_ORDER, higherOrder: HIGHER_ORDER_KINDS, smooth: false },
  smoothForwardControl: { firstOrder: SMOOTH_FIRST_ORDER, higherOrder: HIGHER_ORDER_KINDS, smooth: true },
} satisfies Record<string, Family>;

const small = fc.nat(15);
const refsArb = fc.tuple(small, small, small, small);

function geneOf(kinds: readonly GeneKind[], bodies: fc.Arbitrary<readonly (readonly Gene[])[]>): fc.Arbitrary<Gene> {
  return fc.record({ kind: fc.constantFrom(...kinds), op: small, refs: refsArb, k: small, bodies });
}

/** A gene of `family`; bodies of higher-order genes nest up to `depth` levels. */
export function geneArb(family: Family, depth: number): fc.Arbitrary<Gene> {
  const firstOrder = geneOf(family.firstOrder, fc.constant([]));
  if (depth === 0 || family.higherOrder.length === 0) return firstOrder;
  const body = fc.array(geneArb(family, depth - 1), { minLength: 1, maxLength: 3 });
  const higherOrder = geneOf(family.higherOrder, fc.tuple(body, body, body));
  return fc.oneof({ arbitrary: firstOrder, weight: 3 }, { arbitrary: higherOrder, weight: 1 });
}

/** A required higher-order gene of one of `kinds` (its bodies may nest one more level). */
export function requiredGeneArb(family: Family, kinds: readonly HigherOrderKind[]): fc.Arbitrary<Gene> {
  const body = fc.array(geneArb(family, 1), { minLength: 1, maxLength: 3 });
  return geneOf(kinds, fc.tuple(body, body, body));
}

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

export const sizeOf = (s: Shape) => s.reduce((a, b) => a * b, 1);
const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/** NumPy broadcasting of two shapes, or null when they do not broadcast. */
function broadcastShapes(a: Shape, b: Shape): Shape | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(Math.max(da, db));
  }
  return out;
}

const broadcastsTo = (from: Shape, to: Shape) => from.length <= to.length && sameShape(broadcastShapes(from, to) ?? [-1], to);

/** Shapes of rank at most 2 with `size` elements, other than `shape` itself. */
function reshapeCandidates(shape: Shape): Shape[] {
  const size = sizeOf(shape);
  const candidates: Shape[] = size === 1 ? [[], [1], [1, 1]] : [[size]];
  for (let a = 1; a <= size; a++) if (size % a === 0) candidates.push([a, size / a]);
  return candidates.filter((c) => !sameShape(c, shape));
}

// ---------------------------------------------------------------------------------------------
// Resolution: genes to a well-typed program
// ---------------------------------------------------------------------------------------------

class Scope {
  readonly shapes: Shape[];
  readonly steps: Step[] = [];
  /** Values from least to most recent, as genes pick them: a body's first parameter (its carry or operand) counts as the most recent. */
  private readonly recency: number[];

  constructor(
    readonly params: readonly Shape[],
    readonly captures: readonly number[],
    captureShapes: readonly Shape[],
    readonly family: Family,
    primaryFirst = false,
  ) {
    this.shapes = [...params, ...captureShapes];
    const all = this.shapes.map((_, i) => i);
    this.recency = primaryFirst ? [...all.slice(1), 0] : all;
  }

  get last(): number {
    return this.recency[this.recency.length - 1];
  }

  /** A value by a gene's number: 0 is the most recent. */
  pick(r: number): number {
    return this.recency[this.recency.length - 1 - (r % this.recency.length)];
  }

  shape(v: number): Shape {
    return this.shapes[v];
  }

  emit(node: Node, ...shapes: Shape[]): number {
    const first = this.shapes.length;
    this.steps.push({ node, first, shapes });
    this.shapes.push(...shapes);
    this.recency.push(...shapes.map((_, i) => first + i));
    return first;
  }

  meanAll(v: number): number {
    return this.shape(v).length === 0 ? v : this.emit({ kind: "reduce", op: "mean", x: v, axis: null }, []);
  }

  /** `v` made to have shape `target`: broadcast if it broadcasts, else its mean broadcast. */
  fit(v: number, target: Shape): number {
    if (sameShape(this.shape(v), target)) return v;
    const u = broadcastsTo(this.shape(v), target) ? v : this.meanAll(v);
    return sameShape(this.shape(u), target) ? u : this.emit({ kind: "broadcast", x: u, shape: target }, target);
  }

  /** In a loop body (parameter 0 is the carry): tanh(carry + v), `v` fitted to the carry's shape; bounded over any number of steps. */
  carry(v: number, target: Shape): number {
    const sum = this.emit({ kind: "binary", op: "add", x: 0, y: this.fit(v, target) }, target);
    return this.emit({ kind: "unary", op: "tanh", x: sum }, target);
  }

  program(outputs: readonly number[]): Program {
    return { params: this.params, captures: this.captures, steps: this.steps, shapes: this.shapes, outputs };
  }
}

function resolveUnary(s: Scope, g: Gene): void {
  const x = s.pick(g.refs[0]);
  s.emit({ kind: "unary", op: UNARY_OPS[g.op % UNARY_OPS.length], x }, s.shape(x));
}

function resolveBinary(s: Scope, g: Gene): void {
  const ops = s.family.smooth ? SMOOTH_BINARY_OPS : BINARY_OPS;
  const x = s.pick(g.refs[0]);
  let y = s.pick(g.refs[1]);
  let out = broadcastShapes(s.shape(x), s.shape(y));
  if (!out) {
    y = s.meanAll(y);
    out = s.shape(x);
  }
  s.emit({ kind: "binary", op: ops[g.op % ops.length], x, y }, out);
}

function resolveReduce(s: Scope, g: Gene): void {
  const x = s.pick(g.refs[0]);
  const shape = s.shape(x);
  const axis = shape.length === 0 ? null : g.k % shape.length;
  const out = axis === null ? [] : shape.filter((_, i) => i !== axis);
  s.emit({ kind: "reduce", op: g.op % 2 === 0 ? "sum" : "mean", x, axis }, out);
}

function resolveBroadcast(s: Scope, g: Gene): void {
  let x = s.pick(g.refs[0]);
  let target: Shape;
  if (s.shape(x).length === 2) {
    target = s.shape(x);
    x = s.emit({ kind: "reduce", op: "mean", x, axis: 0 }, [target[1]]);
  } else {
    target = [2 + (g.k % 2), ...s.shape(x)];
  }
  s.emit({ kind: "broadcast", x, shape: target }, target);
}

function resolveReshape(s: Scope, g: Gene): void {
  const x = s.pick(g.refs[0]);
  const candidates = reshapeCandidates(s.shape(x));
  const shape = candidates[g.k % candidates.length];
  s.emit({ kind: "reshape", x, shape }, shape);
}

function resolveTranspose(s: Scope, g: Gene): void {
  const x = s.pick(g.refs[0]);
  s.emit({ kind: "transpose", x }, [...s.shape(x)].reverse());
}

/** matmul(x, y), repaired: y transposed when that makes it fit, else x against itself transposed. */
function resolveMatmul(s: Scope, g: Gene): void {
  const x = s.pick(g.refs[0]);
  let y = s.pick(g.refs[1]);
  const [sx, sy] = [s.shape(x), s.shape(y)];
  if (sx.length === 0 || sy.length === 0) {
    s.emit({ kind: "binary", op: "mul", x, y }, broadcastShapes(sx, sy)!);
    return;
  }
  const contracted = sx[sx.length - 1];
  if (sy[0] !== contracted) {
    if (sy.length === 2 && sy[1] === contracted) y = s.emit({ kind: "transpose", x: y }, [sy[1], sy[0]]);
    else y = sx.length === 2 ? s.emit({ kind: "transpose", x }, [sx[1], sx[0]]) : x;
  }
  const out = [...sx.slice(0, -1), ...s.shape(y).slice(1)];
  s.emit({ kind: "matmul", x, y }, out);
}

function resolveWhere(s: Scope, g: Gene): void {
  const onTrue = s.pick(g.refs[2]);
  let out: Shape = s.shape(onTrue);
  const fitted = [g.refs[3], g.refs[0], g.refs[1]].map((r) => {
    const v = s.pick(r);
    const joint = broadcastShapes(out, s.shape(v));
    if (joint) {
      out = joint;
      return v;
    }
    return s.meanAll(v);
  });
  const [onFalse, x, y] = fitted;
  s.emit({ kind: "where", cmp: g.op % 2 === 0 ? "greater" : "less", x, y, onTrue, onFalse }, out);
}

/** A body scope over `params`, capturing one value of `outer` when `capture` says so. */
function bodyScope(outer: Scope, genes: readonly Gene[], params: readonly Shape[], capture: number | null): Scope {
  const captures = capture === null ? [] : [capture];
  const body = new Scope(params, captures, captures.map((c) => outer.shape(c)), outer.family, true);
  resolveGenes(body, genes);
  return body;
}

const captureOf = (s: Scope, g: Gene, r: number) => ((g.k >> 1) % 2 === 1 ? s.pick(r) : null);

function resolveJit(s: Scope, g: Gene): void {
  const args = g.k % 2 === 1 ? [s.pick(g.refs[0]), s.pick(g.refs[1])] : [s.pick(g.refs[0])];
  const body = bodyScope(s, g.bodies[0], args.map((a) => s.shape(a)), captureOf(s, g, g.refs[2]));
  s.emit({ kind: "jit", args, body: body.program([body.last]) }, body.shape(body.last));
}

/** The operands of a cond or switch, and a maker of branches that all return the first operand's shape. */
function branchesOf(s: Scope, g: Gene): { args: number[]; target: Shape; branch: (genes: readonly Gene[]) => Program } {
  const args = g.k % 2 === 1 ? [s.pick(g.refs[1]), s.pick(g.refs[2])] : [s.pick(g.refs[1])];
  const target = s.shape(args[0]);
  const capture = captureOf(s, g, g.refs[3]);
  const branch = (genes: readonly Gene[]) => {
    const body = bodyScope(s, genes, args.map((a) => s.shape(a)), capture);
    return body.program([body.fit(body.last, target)]);
  };
  return { args, target, branch };
}

function resolveCond(s: Scope, g: Gene): void {
  const pred = s.pick(g.refs[0]);
  const { args, target, branch } = branchesOf(s, g);
  const threshold = THRESHOLDS[g.op % THRESHOLDS.length];
  s.emit({ kind: "cond", pred, threshold, args, onTrue: branch(g.bodies[0]), onFalse: branch(g.bodies[1]) }, target);
}

function resolveSwitch(s: Scope, g: Gene): void {
  const pred = s.pick(g.refs[0]);
  const { args, target, branch } = branchesOf(s, g);
  s.emit({ kind: "switch", pred, offset: (g.op % 3) - 1, args, branches: g.bodies.map(branch) }, target);
}

function resolveScan(s: Scope, g: Gene): void {
  const init = s.pick(g.refs[0]);
  let xs = s.pick(g.refs[1]);
  if (s.shape(xs).length === 0) xs = s.emit({ kind: "broadcast", x: xs, shape: [3] }, [3]);
  const [length, ...xShape] = s.shape(xs);
  const carryShape = s.shape(init);
  const body = bodyScope(s, g.bodies[0], [carryShape, xShape], captureOf(s, g, g.refs[2]));
  const result = body.last;
  let y = body.pick(g.op);
  if (body.shape(y).length === 2) y = body.emit({ kind: "reduce", op: "mean", x: y, axis: 0 }, [body.shape(y)[1]]);
  const next = body.carry(result, carryShape);
  s.emit({ kind: "scan", init, xs, reverse: g.k % 2 === 1, body: body.program([next, y]) }, carryShape, [length, ...body.shape(y)]);
}

function resolveFori(s: Scope, g: Gene): void {
  const init = s.pick(g.refs[0]);
  const carryShape = s.shape(init);
  const body = bodyScope(s, g.bodies[0], [carryShape, []], captureOf(s, g, g.refs[1]));
  s.emit({ kind: "fori", init, steps: 1 + (g.op % 4), body: body.program([body.carry(body.last, carryShape)]) }, carryShape);
}

function resolveWhile(s: Scope, g: Gene): void {
  const init = s.pick(g.refs[0]);
  const carryShape = s.shape(init);
  const body = bodyScope(s, g.bodies[0], [carryShape], captureOf(s, g, g.refs[1]));
  const bound = WHILE_BOUNDS[g.k % WHILE_BOUNDS.length];
  s.emit({ kind: "while", init, maxSteps: 1 + (g.op % 4), bound, body: body.program([body.carry(body.last, carryShape)]) }, carryShape);
}

const RESOLVERS: Record<GeneKind, (s: Scope, g: Gene) => void> = {
  unary: resolveUnary,
  binary: resolveBinary,
  reduce: resolveReduce,
  broadcast: resolveBroadcast,
  reshape: resolveReshape,
  transpose: resolveTranspose,
  matmul: resolveMatmul,
  where: resolveWhere,
  jit: resolveJit,
  cond: resolveCond,
  switch: resolveSwitch,
  scan: resolveScan,
  fori: resolveFori,
  while: resolveWhile,
};

function resolveGenes(s: Scope, genes: readonly Gene[]): void {
  for (const g of genes) RESOLVERS[g.kind](s, g);
}

/** The program of `genes` over inputs of `inputShapes`; its output is the last value. */
export function resolve(inputShapes: readonly Shape[], genes: readonly Gene[], family: Family): Program {
  const scope = new Scope(inputShapes, [], [], family);
  resolveGenes(scope, genes);
  return scope.program([scope.last]);
}
