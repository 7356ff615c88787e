import { type Backend, getBackend } from "./backend.js";
import { type AnyTypedArray, type DType, toTyped } from "./dtype.js";
import { EscapedTracerError, UnsupportedPrimitiveError, ValueError } from "./errors.js";
import { type Params, type Prim, abstractEval, getPrimitive } from "./registry.js";
import { ShapedArray, type Shape } from "./shape.js";

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
}

/** One active transformation: its level in the stack and its global data. */
export class MainTrace {
  alive = true;
  constructor(
    readonly level: number,
    readonly name: string,
    readonly makeTrace: (main: MainTrace) => Trace,
    readonly globalData: unknown,
  ) {}
}

export abstract class Trace {
  constructor(readonly main: MainTrace) {}
  /** Bring a value of a lower level into this trace. */
  abstract lift(val: Tracer): Tracer;
  abstract processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAval: ShapedArray): Tracer;

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

/** Run `fn` with a new transformation pushed on the trace stack; it is dead afterwards. */
export function newMain<R>(name: string, makeTrace: (main: MainTrace) => Trace, globalData: unknown, fn: (main: MainTrace) => R): R {
  const main = new MainTrace(stack.length, name, makeTrace, globalData);
  stack.push(main);
  try {
    return fn(main);
  } finally {
    stack.pop();
    main.alive = false;
  }
}

function findTopTrace(prim: string, args: readonly Tracer[]): Trace {
  let top: Trace = evalTrace;
  for (const a of args) {
    const main = a._trace.main;
    if (!main.alive) {
      throw new EscapedTracerError(
        `${prim}: received a tracer of a '${main.name}' transformation that has already finished ` +
          "(was it stored in an outer variable and used later?); a tracer may only be used inside the transformation that created it",
      );
    }
    if (main.level > top.main.level) top = a._trace;
  }
  return top;
}

/**
 * Apply a primitive: check the inputs (shape and dtype rules, errors thrown here, at trace
 * time), then let the innermost active transformation among the inputs process it.
 */
export function bind<P extends Prim>(prim: P, args: readonly Tracer[], params: Params<P>): Tracer {
  getPrimitive(prim);
  args.forEach((a, i) => {
    if (!(a instanceof Tracer)) throw new ValueError(`${prim}: operand ${i} is ${String(a)}; expected an array`);
  });
  const outAval = abstractEval(prim, args.map((a) => a.aval), params);
  const trace = findTopTrace(prim, args);
  const tracers = args.map((a) => trace.fullRaise(a));
  return trace.processPrimitive(prim, tracers, params, outAval).fullLower();
}

// ---------------------------------------------------------------------------------------
// The eval trace: concrete arrays, kernels on a backend.

const registry = new FinalizationRegistry<{ backend: Backend<any>; buffer: unknown }>(({ backend, buffer }) => {
  backend.release(buffer);
});

/** An array with data on a backend. Memory is given back when it is garbage collected. */
export class ConcreteArray extends Tracer {
  constructor(
    readonly aval: ShapedArray,
    readonly backend: Backend<any>,
    readonly buffer: unknown,
  ) {
    super(evalTrace);
    registry.register(this, { backend, buffer });
  }

  static fromTyped(data: AnyTypedArray | ArrayLike<number>, shape: Shape, dtype: DType, backend: Backend<any> = getBackend()): ConcreteArray {
    const aval = new ShapedArray(shape, dtype);
    const typed = toTyped(dtype, data as ArrayLike<number>);
    if (typed.length !== aval.size) throw new ValueError(`array data has ${typed.length} elements; shape ${aval} needs ${aval.size}`);
    return new ConcreteArray(aval, backend, backend.fromTyped(typed, aval));
  }

  static scalar(value: number | boolean, dtype: DType, backend: Backend<any> = getBackend()): ConcreteArray {
    return ConcreteArray.fromTyped([Number(value)], [], dtype, backend);
  }

  /** The data, as a fresh typed array. */
  readSync(): AnyTypedArray {
    return this.backend.read(this.buffer, this.aval).slice();
  }

  async readAsync(): Promise<AnyTypedArray> {
    const data = this.backend.readAsync ? await this.backend.readAsync(this.buffer, this.aval) : this.backend.read(this.buffer, this.aval);
    return data.slice();
  }

  /** This array's buffer on `backend`, copying across backends when needed. */
  bufferOn(backend: Backend<any>): unknown {
    if (backend === this.backend) return this.buffer;
    return backend.fromTyped(this.backend.read(this.buffer, this.aval).slice(), this.aval);
  }
}

class EvalTrace extends Trace {
  lift(val: Tracer): Tracer {
    return val;
  }
  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAval: ShapedArray): Tracer {
    const backend = getBackend();
    const kernel = backend.kernels[prim];
    if (!kernel) throw new UnsupportedPrimitiveError(prim, backend.name);
    const dtypes = [outAval.dtype, ...tracers.map((t) => t.dtype)];
    const missing = dtypes.find((d) => !backend.dtypes.includes(d));
    if (missing) throw new UnsupportedPrimitiveError(prim, backend.name, missing);
    const concretes = tracers as ConcreteArray[];
    const out = kernel(
      concretes.map((c) => c.bufferOn(backend)),
      concretes.map((c) => c.aval),
      params,
      outAval,
    );
    return new ConcreteArray(outAval, backend, out);
  }
}

const evalMain = new MainTrace(-1, "eval", (main) => new EvalTrace(main), null);
const evalTrace: Trace = new EvalTrace(evalMain);
stack.length = 0;

/** The current depth of nested transformations (0 outside any). */
export function traceDepth(): number {
  return stack.length;
}
