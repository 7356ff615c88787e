/**
 * Batching: a tracer carries a value with one extra axis (the batch) at `batchDim`, or
 * none (`null`: the same for every member of the batch). Each primitive's batching rule
 * computes on the batched values directly — moving the batch axis only when it must.
 */
import { type MainTrace, type Params, type Prim, ShapedArray, Trace, Tracer, asInternal, bind, newMain } from "@lintra/core-ir";
import { batchRules } from "./batch-rules.js";

/** Where the batch axis of a value is; null when the value is not batched. */
export type BatchDim = number | null;

export class BatchTracer extends Tracer {
  constructor(
    trace: Trace,
    readonly val: Tracer,
    readonly batchDim: BatchDim,
  ) {
    super(trace);
  }
  get aval(): ShapedArray {
    const { shape, dtype } = this.val.aval;
    return this.batchDim === null ? this.val.aval : new ShapedArray(shape.filter((_, i) => i !== this.batchDim), dtype);
  }
  /** An unbatched value needs no batch trace. */
  override fullLower(): Tracer {
    return this.batchDim === null ? this.val.fullLower() : this;
  }
}

export class BatchTrace extends Trace {
  /** The size of the batch axis of every batched value of this trace. */
  get axisSize(): number {
    return this.main.globalData as number;
  }

  lift(val: Tracer): Tracer {
    return new BatchTracer(this, val, null);
  }

  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, _outAvals: ShapedArray[]): Tracer[] {
    const vals = (tracers as BatchTracer[]).map((t) => t.val);
    const dims = (tracers as BatchTracer[]).map((t) => t.batchDim);
    if (dims.every((d) => d === null)) return asInternal(() => bind(prim, vals, params)).map((v) => new BatchTracer(this, v, null));
    const [outs, outDims] = asInternal(() => batchRules[prim](vals, dims, params, this.axisSize));
    return outs.map((v, i) => new BatchTracer(this, v, outDims[i]));
  }
}

/**
 * Run `f` on values batched along `dims` (axis size `axisSize`): the outputs and the
 * positions of their batch axes (null where an output does not depend on the batch).
 */
export function batchFlat(f: (...xs: Tracer[]) => Tracer[], args: readonly Tracer[], dims: readonly BatchDim[], axisSize: number): [Tracer[], BatchDim[]] {
  return newMain("vmap", (main: MainTrace) => new BatchTrace(main), axisSize, (main) => {
    const trace = main.trace;
    const ins = args.map((a, i) => new BatchTracer(trace, a, dims[i]));
    const outs = f(...ins).map((o) => trace.fullRaise(o) as BatchTracer);
    return [outs.map((o) => o.val), outs.map((o) => o.batchDim)];
  });
}
