/**
 * Batching rules of the higher-order primitives: each batches its sub-programs (by tracing
 * them under a batch trace) and applies the same primitive to the batched values — except
 * where the batch decides control flow: a batched cond index becomes a select over every
 * branch, a batched while predicate a loop that runs until every member is done.
 */
import {
  type ClosedProgram,
  ConcreteArray,
  type Params,
  ProgramMemo,
  ShapedArray,
  type Tracer,
  bind,
  forwardModeError,
  type JvpRuleProgram,
  type VjpBwd,
  type VjpFwdProgram,
  evalProgram,
  lax,
  maskKey,

  stageClosedProgram,
} from "@lintra/core-ir";
import { moveBatchAxis } from "./batch-axis.js";
import { type BatchDim, batchFlat } from "./batch-trace.js";

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const withBatch = (a: ShapedArray, dim: number, size: number) => {
  const shape = [...a.shape];
  shape.splice(dim, 0, size);
  return new ShapedArray(shape, a.dtype);
};

interface Batched {
  readonly program: ClosedProgram;
  /** 0 for a batched output (always moved first), null for one the batch does not reach. */
  readonly outDims: BatchDim[];
}

const batchedPrograms = new ProgramMemo<Batched>();

/**
 * `program` applied to inputs batched along `dims`, as one program: its batched outputs have
 * the batch axis first; `force` makes an output batched (broadcast) even where it is not.
 */
export function batchProgram(program: ClosedProgram, dims: readonly BatchDim[], axisSize: number, force: readonly boolean[] = []): Batched {
  const key = `${axisSize}|${dims.map((d) => (d === null ? "n" : d)).join(",")}|${maskKey(force)}`;
  return batchedPrograms.get(program, key, () => {
    let outDims: BatchDim[] = [];
    const inAvals = program.inAvals.map((a, i) => (dims[i] === null ? a : withBatch(a, dims[i]!, axisSize)));
    const batched = stageClosedProgram((...xs) => {
      const [outs, od] = batchFlat((...ys) => evalProgram(program, ys), xs, dims, axisSize);
      outDims = od.map((d, i) => (d === null && !force[i] ? null : 0));
      return outs.map((o, i) => (outDims[i] === null ? o : moveBatchAxis(o, od[i], 0, axisSize)));
    }, inAvals);
    return { program: batched, outDims };
  });
}

/** Which carries are batched: those batched on entry, and those the body makes batched (a fixpoint). */
function carryFixpoint(carry: boolean[], outOf: (carry: boolean[]) => readonly BatchDim[]): boolean[] {
  for (;;) {
    const out = outOf(carry);
    if (out.every((d, i) => (d !== null) === carry[i])) return carry;
    carry = carry.map((b, i) => b || out[i] !== null);
  }
}

/** Batched values at axis 0, unbatched ones as they are (or broadcast where `force`). */
const toFront = (args: readonly Tracer[], dims: readonly BatchDim[], size: number, force: readonly boolean[] = []) =>
  args.map((a, i) => (dims[i] === null && !force[i] ? a : moveBatchAxis(a, dims[i], 0, size)));
const frontDims = (dims: readonly BatchDim[], force: readonly boolean[] = []): BatchDim[] => dims.map((d, i) => (d === null && !force[i] ? null : 0));

export function jitBatch(args: Tracer[], dims: BatchDim[], { name, program }: Params<"jit">, size: number): [Tracer[], BatchDim[]] {
  const batched = batchProgram(program, dims, size);
  return [bind("jit", args, { name, program: batched.program }), batched.outDims];
}

/** name: the identity, on the batched value. */
export function nameBatch(args: Tracer[], dims: BatchDim[], params: Params<"name">): [Tracer[], BatchDim[]] {
  return [bind("name", args, params), dims];
}

/** checkpoint: a checkpoint of the batched body, same policy. */
export function checkpointBatch(args: Tracer[], dims: BatchDim[], params: Params<"checkpoint">, size: number): [Tracer[], BatchDim[]] {
  const batched = batchProgram(params.program, dims, size);
  return [bind("checkpoint", args, { ...params, program: batched.program }), batched.outDims];
}

/** Batch every branch so that an output batched in one is batched (at 0) in all. */
function batchBranches(branches: readonly ClosedProgram[], dims: readonly BatchDim[], size: number, forceAll = false): Batched[] {
  const first = branches.map((b) => batchProgram(b, dims, size, forceAll ? b.outs.map(() => true) : []));
  const force = branches[0].outs.map((_, i) => forceAll || first.some((b) => b.outDims[i] !== null));
  return branches.map((b) => batchProgram(b, dims, size, force));
}

export function condBatch([index, ...operands]: Tracer[], [indexDim, ...dims]: BatchDim[], { branches }: Params<"cond">, size: number): [Tracer[], BatchDim[]] {
  if (indexDim === null) {
    const batched = batchBranches(branches, dims, size);
    return [bind("cond", [index, ...operands], { branches: batched.map((b) => b.program) }), batched[0].outDims];
  }
  // Each member picks its own branch: run every branch on the whole batch, then select.
  const batched = batchBranches(branches, dims, size, true);
  const results = batched.map((b) => bind("jit", operands, { name: "branch", program: b.program }));
  const k = moveBatchAxis(index, indexDim, 0, size);
  const clamped = lax.max(lax.min(k, lax.broadcastInDim(int32(branches.length - 1), [size], [])), lax.broadcastInDim(int32(0), [size], []));
  const outs = results[0].map((_, j) =>
    results.slice(1).reduce((acc, r, b) => {
      const pick = lax.eq(clamped, lax.broadcastInDim(int32(b + 1), [size], []));
      return lax.select(lax.broadcastInDim(pick, acc.shape, [0]), r[j], acc);
    }, results[0][j]),
  );
  return [outs, outs.map(() => 0)];
}

const int32 = (v: number) => ConcreteArray.scalar(v, "int32");

/** scan: consts and carries batched at 0; xs batched at 1 (axis 0 is scanned), so each x_i is batched at 0, and so the ys at 1. */
export function scanBatch(args: Tracer[], dims: BatchDim[], params: Params<"scan">, size: number): [Tracer[], BatchDim[]] {
  const { program, numConsts: nC, numCarry: nK } = params;
  const nY = program.outs.length - nK;
  const constDims = frontDims(dims.slice(0, nC));
  const xDims = dims.slice(nC + nK).map((d) => (d === null ? null : 0));
  const bodyOf = (carry: readonly boolean[]) => batchProgram(program, [...constDims, ...carry.map((b) => (b ? 0 : null)), ...xDims], size, [...carry, ...new Array<boolean>(nY).fill(false)]);
  const carryB = carryFixpoint(dims.slice(nC, nC + nK).map((d) => d !== null), (c) => bodyOf(c).outDims.slice(0, nK));
  const body = bodyOf(carryB);
  const ins = [
    ...toFront(args.slice(0, nC), dims.slice(0, nC), size),
    ...toFront(args.slice(nC, nC + nK), dims.slice(nC, nC + nK), size, carryB),
    ...args.slice(nC + nK).map((x, i) => (dims[nC + nK + i] === null ? x : moveBatchAxis(x, dims[nC + nK + i], 1, size))),
  ];
  const outs = bind("scan", ins, { ...params, program: body.program });
  return [outs, body.outDims.map((d, i) => (d === null ? null : i < nK ? 0 : 1))];
}

/** Any member true: the loop runs while some member's predicate holds. */
function anyOf(pred: Tracer): Tracer {
  const asInt = lax.convertElementType(pred, "int32");
  return lax.gt(lax.reduceMax(asInt, range(asInt.ndim)), int32(0));
}

export function whileBatch(args: Tracer[], dims: BatchDim[], params: Params<"while">, size: number): [Tracer[], BatchDim[]] {
  const { cond, body, condNumConsts: nCC, bodyNumConsts: nBC } = params;
  const nK = args.length - nCC - nBC;
  const ccDims = frontDims(dims.slice(0, nCC));
  const bcDims = frontDims(dims.slice(nCC, nCC + nBC));
  const carryDims = (c: readonly boolean[]) => c.map((b) => (b ? 0 : null));
  const bodyOf = (carry: readonly boolean[]) => batchProgram(body, [...bcDims, ...carryDims(carry)], size, carry);
  let carryB = carryFixpoint(dims.slice(nCC + nBC).map((d) => d !== null), (c) => bodyOf(c).outDims);
  const predBatched = batchProgram(cond, [...ccDims, ...carryDims(carryB)], size).outDims[0] !== null;
  // A batched predicate: every member carries its own state, and a finished one holds it.
  if (predBatched) carryB = carryB.map(() => true);
  const bBody = bodyOf(carryB);
  const bCond = batchProgram(cond, [...ccDims, ...carryDims(carryB)], size, predBatched ? [true] : []);
  const consts = [...toFront(args.slice(0, nCC), dims.slice(0, nCC), size), ...toFront(args.slice(nCC, nCC + nBC), dims.slice(nCC, nCC + nBC), size)];
  const carry = toFront(args.slice(nCC + nBC), dims.slice(nCC + nBC), size, carryB);
  if (!predBatched) {
    const outs = bind("while", [...consts, ...carry], { cond: bCond.program, body: bBody.program, condNumConsts: nCC, bodyNumConsts: nBC });
    return [outs, bBody.outDims];
  }
  const condAvals = bCond.program.inAvals;
  const anyCond = stageClosedProgram((...xs) => [anyOf(evalProgram(bCond.program, xs)[0])], condAvals);
  // The body sees the predicate's consts too: [condConsts, bodyConsts, carry].
  const bodyAvals = [...condAvals.slice(0, nCC), ...bBody.program.inAvals];
  const heldBody = stageClosedProgram((...xs) => {
    const carryIn = xs.slice(nCC + nBC);
    const [pred] = evalProgram(bCond.program, [...xs.slice(0, nCC), ...carryIn]);
    const next = evalProgram(bBody.program, xs.slice(nCC));
    return next.map((n, i) => lax.select(lax.broadcastInDim(pred, n.shape, [0]), n, carryIn[i]));
  }, bodyAvals);
  const ccArgs = consts.slice(0, nCC);
  const outs = bind("while", [...ccArgs, ...ccArgs, ...consts.slice(nCC), ...carry], { cond: anyCond, body: heldBody, condNumConsts: nCC, bodyNumConsts: nCC + nBC });
  return [outs, outs.map(() => 0)];
}

let nextRuleId = 0;

/** `program` with every input and output batched at 0: how a custom rule's programs are batched. */
const batchAll = (program: ClosedProgram, size: number): ClosedProgram =>
  batchProgram(program, program.inBinders.map(() => 0), size, program.outs.map(() => true)).program;

/** A custom rule's program (a customJvp rule, a customVjp fwd) batched, staged when first asked for. */
class BatchedRuleProgram implements JvpRuleProgram, VjpFwdProgram {
  readonly id = --nextRuleId;
  constructor(
    private readonly inner: JvpRuleProgram | VjpFwdProgram,
    private readonly axisSize: number,
  ) {}
  program(): ClosedProgram {
    return batchAll(this.inner.program(), this.axisSize);
  }
  toJSON(): string {
    return `vmap(${this.inner.toJSON()})`;
  }
}

/**
 * customJvp under vmap: a custom_jvp_call of the batched function whose rule is the batched
 * rule, so a derivative taken outside the vmap (grad of vmap) still uses the rule. Every
 * input is batched first (broadcast where it was not), since tangents follow their primals.
 */
export function customJvpBatch(args: Tracer[], dims: BatchDim[], { name, program, jvp }: Params<"custom_jvp_call">, size: number): [Tracer[], BatchDim[]] {
  const outs = bind("custom_jvp_call", toFront(args, dims, size, args.map(() => true)), { name, program: batchAll(program, size), jvp: new BatchedRuleProgram(jvp, size) });
  return [outs, outs.map(() => 0)];
}

/** A customVjp bwd batched: the user's bwd applied under a batch trace to batched residuals and cotangents. */
class BatchedBwd implements VjpBwd {
  readonly id = --nextRuleId;
  constructor(
    private readonly inner: VjpBwd,
    private readonly axisSize: number,
  ) {}
  private batched(avals: readonly ShapedArray[]): ShapedArray[] {
    return avals.map((a) => withBatch(a, 0, this.axisSize));
  }
  get inAvals(): ShapedArray[] {
    return this.batched(this.inner.inAvals);
  }
  get outAvals(): ShapedArray[] {
    return this.batched(this.inner.outAvals);
  }
  get resAvals(): ShapedArray[] {
    return this.batched(this.inner.resAvals);
  }
  apply(residuals: readonly Tracer[], cts: readonly Tracer[]): Tracer[] {
    const r = residuals.length;
    const args = [...residuals, ...cts];
    const [outs, dims] = batchFlat((...xs) => this.inner.apply(xs.slice(0, r), xs.slice(r)), args, args.map(() => 0), this.axisSize);
    return outs.map((o, i) => moveBatchAxis(o, dims[i], 0, this.axisSize));
  }
  toJSON(): string {
    return `vmap(${this.inner.toJSON()})`;
  }
}

/**
 * customVjp under vmap: a custom_vjp_call of the batched function whose fwd and bwd are
 * batched too, so a derivative taken outside the vmap (grad of vmap) still uses them.
 */
export function customVjpBatch(args: Tracer[], dims: BatchDim[], { name, program, fwd, bwd }: Params<"custom_vjp_call">, size: number): [Tracer[], BatchDim[]] {
  const outs = bind("custom_vjp_call", toFront(args, dims, size, args.map(() => true)), { name, program: batchAll(program, size), fwd: new BatchedRuleProgram(fwd, size), bwd: new BatchedBwd(bwd, size) });
  return [outs, outs.map(() => 0)];
}

/**
 * custom_lin meets a batch trace only when tangents are pushed forward through a customVjp
 * function under vmap (jacfwd, hessian): forward mode, which it does not have (as in JAX).
 */
export function customLinBatch(_args: Tracer[], _dims: BatchDim[], { name }: Params<"custom_lin">): never {
  throw forwardModeError(name);
}

