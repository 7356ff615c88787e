/// <reference lib="esnext.disposable" preserve="true" />
import type { DType } from "./dtype.js";
import { ConcretizationError, EscapedTracerError, ValueError } from "./errors.js";
import { type Params, type Prim, abstractEvalOf } from "./registry.js";
import type { ShapedArray, Shape } from "./shape.js";

/**
 * A value inside some trace: a concrete array (the eval trace), or a tracer of a
 * transformation (JVP, staging, ...). Every array a user sees is a Tracer.
 */
export abstract class Tracer {
  constructor(readonly _trace: Trace) {}
  abstract get aval(): ShapedArray;
  get shape(): Shape {
    return this.aval.shape;
  }
  get dtype(): DType {
    return this.aval.dtype;
  }
  get ndim(): number {
    return this.aval.ndim;
  }
  get size(): number {
    return this.aval.size;
  }
  /** The simplest equivalent value (e.g. a JVP tracer whose tangent is zero -> its primal). */
  fullLower(): Tracer {
    return this;
  }
  /** Give the memory back now; a tracer of a transformation holds none, so this does nothing. */
  dispose(): void {}
  /** `using x = ...` disposes the array at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /**
   * JavaScript has no operator overloading, so `x * 2`, `x > 0`, `+x` or `"a" + x` would
   * silently compute with NaN or a string: string conversion prints the array, any other
   * conversion is an error. A tracer's value is not even known while it is traced.
   */
  [Symbol.toPrimitive](hint: "string" | "number" | "default"): string {
    if (hint === "string") return this.toString();
    throw new ConcretizationError(
      `the array ${this.aval} is a tracer of the '${this._trace.main.name}' transformation: its value is not known while the function is transformed, ` +
        "so it cannot become a JS number, boolean or string (x * 2, x > 0, if (x > 0), \"a\" + x). " +
        "Use np functions and array methods for arithmetic and comparisons (x.mul(2), np.greater(x, 0), np.where), " +
        "lax.cond / lax.switch to branch on a value, and under jit pass JS values that decide control flow with staticArgnums",
    );
  }
}

/** One active transformation: its level in the stack and its global data. */
export class MainTrace {
  alive = true;
  private cached: Trace | null = null;
  constructor(
    readonly level: number,
    readonly name: string,
    readonly makeTrace: (main: MainTrace) => Trace,
    readonly globalData: unknown,
  ) {}
  /** The trace object of this transformation (one per main; traces hold no state of their own). */
  get trace(): Trace {
    return (this.cached ??= this.makeTrace(this));
  }
}

export abstract class Trace {
  constructor(readonly main: MainTrace) {}
  /** Bring a value of a lower level into this trace. */
  abstract lift(val: Tracer): Tracer;
  /** Apply `prim` to tracers of this trace; `outAvals` come from the primitive's abstract eval. */
  abstract processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAvals: ShapedArray[]): Tracer[];

  fullRaise(val: Tracer): Tracer {
    const level = val._trace.main.level;
    if (val._trace.main === this.main) return val;
    if (level < this.main.level) return this.lift(val);
    throw new EscapedTracerError(
      `a tracer of the '${val._trace.main.name}' transformation at level ${level} reached the '${this.main.name}' transformation at level ${this.main.level}; ` +
        "a tracer was used outside the transformation that created it",
    );
  }
}

const stack: MainTrace[] = [];
let bottom: MainTrace | null = null;
/** The staging transformation that every operation goes to, traced operands or not (omnistaging). */
let dynamic: MainTrace | null = null;

/** Install the eval trace, at the bottom of every stack (done once, by the eval module). */
export function installEvalTrace(main: MainTrace): void {
  bottom = main;
}

/**
 * Run `fn` with a new transformation pushed on the trace stack; it is dead afterwards.
 * With `dynamic`, every operation inside is processed by it or by a transformation above it,
 * even one whose operands are all concrete (`np.zeros`, `iota`, constants in rules).
 */
export function newMain<R>(name: string, makeTrace: (main: MainTrace) => Trace, globalData: unknown, fn: (main: MainTrace) => R, isDynamic = false): R {
  const main = new MainTrace(stack.length, name, makeTrace, globalData);
  const prevDynamic = dynamic;
  stack.push(main);
  if (isDynamic) dynamic = main;
  try {
    return fn(main);
  } finally {
    stack.pop();
    dynamic = prevDynamic;
    main.alive = false;
  }
}

/** Run `fn` with `main` as the dynamic transformation: operations without traced operands are staged there. */
export function withDynamic<R>(main: MainTrace, fn: () => R): R {
  const prev = dynamic;
  dynamic = main;
  try {
    return fn();
  } finally {
    dynamic = prev;
  }
}

function findTopTrace(prim: string, args: readonly Tracer[]): Trace {
  let top: MainTrace = dynamic ?? bottom!;
  for (let i = 0; i < args.length; i++) {
    const main = args[i]._trace.main;
    if (!main.alive) {
      throw new EscapedTracerError(
        `${prim}: received a tracer of a '${main.name}' transformation that has already finished ` +
          "(was it stored in an outer variable and used later?); a tracer may only be used inside the transformation that created it",
      );
    }
    if (main.level > top.level) top = main;
  }
  return top.trace;
}

/**
 * Apply a primitive: check the inputs (shape and dtype rules, errors thrown here, at trace
 * time), then let the innermost active transformation among the inputs (or the dynamic one)
 * process it. Returns one value per output.
 */
export function bind<P extends Prim>(prim: P, args: readonly Tracer[], params: Params<P>): Tracer[] {
  // Plain loops: this runs for every primitive, so every closure and array counts.
  const n = args.length;
  for (let i = 0; i < n; i++) {
    const a = args[i];
    if (!(a instanceof Tracer)) throw new ValueError(`${prim}: operand ${i} is ${String(a)}; expected an array`);
  }
  const outAvals = abstractEvalOf(prim, args, params);
  const trace = findTopTrace(prim, args);
  // Operands raised to the trace, and results lowered: a new array only where one changes
  // (on the eval trace none does). Traces neither mutate nor keep the arrays they are given.
  let tracers = args as Tracer[];
  for (let i = 0; i < n; i++) {
    const t = trace.fullRaise(args[i]);
    if (t === args[i]) continue;
    if (tracers === args) tracers = args.slice();
    tracers[i] = t;
  }
  const outs = trace.processPrimitive(prim, tracers, params, outAvals);
  let lowered = outs;
  for (let i = 0; i < outs.length; i++) {
    const l = outs[i].fullLower();
    if (l === outs[i]) continue;
    if (lowered === outs) lowered = outs.slice();
    lowered[i] = l;
  }
  return lowered;
}

/** `bind` for a primitive with exactly one output. */
export function bind1<P extends Prim>(prim: P, args: readonly Tracer[], params: Params<P>): Tracer {
  return bind(prim, args, params)[0];
}

/** The current depth of nested transformations (0 outside any). */
export function traceDepth(): number {
  return stack.length;
}
