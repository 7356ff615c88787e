import { type Backend, getBackend } from "./backend.js";
import { type AnyTypedArray, type DType, toTyped } from "./dtype.js";
import { EscapedTracerError, ReleasedArrayError, UnsupportedPrimitiveError, ValueError } from "./errors.js";
import { type Params, type Prim, abstractEval } from "./registry.js";
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

/**
 * An array with data on a backend. Its memory is given back when it is garbage collected,
 * or earlier, when a transformation releases the intermediates it made (see `releaseScope`).
 */
export class ConcreteArray extends Tracer {
  private released = false;
  constructor(
    readonly aval: ShapedArray,
    readonly backend: Backend<any>,
    private readonly _buffer: unknown,
  ) {
    super(evalTrace);
    registry.register(this, { backend, buffer: _buffer }, this);
    const external = backend.externalBytes?.(_buffer) ?? 0;
    if (external > 0) this.gcHint = new ArrayBuffer(external);
  }

  /**
   * Memory the JS engine accounts for (never read): without it, a small wrapper object
   * owning megabytes of backend memory would look free to the collector, which would then
   * run too rarely to hand dropped buffers back.
   */
  private gcHint: ArrayBuffer | null = null;

  /** The backend buffer; throws if a transformation has released it. */
  get buffer(): unknown {
    if (this.released) {
      throw new ReleasedArrayError(
        `array ${this.aval} was an intermediate of a transformation and was released when it returned; ` +
          "keep values by returning them (or as aux) instead of storing them from inside the function",
      );
    }
    return this._buffer;
  }

  /** Give the memory back now. Only transformations call this, on their own intermediates. */
  dispose(): void {
    if (this.released) return;
    this.released = true;
    this.gcHint = null;
    registry.unregister(this);
    this.backend.release(this._buffer);
  }

  static fromTyped(data: AnyTypedArray | ArrayLike<number>, shape: Shape, dtype: DType, backend: Backend<any> = getBackend()): ConcreteArray {
    const aval = new ShapedArray(shape, dtype);
    if (!backend.dtypes.includes(dtype)) {
      throw new UnsupportedPrimitiveError("array", backend.name, dtype);
    }
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

  /** This array's buffer on `backend`; `copied` when it had to be copied across backends. */
  bufferOn(backend: Backend<any>): { buffer: unknown; copied: boolean } {
    if (backend === this.backend) return { buffer: this.buffer, copied: false };
    return { buffer: backend.fromTyped(this.backend.read(this.buffer, this.aval).slice(), this.aval), copied: true };
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
    const ins = concretes.map((c) => c.bufferOn(backend));
    let out: unknown;
    try {
      out = kernel(
        ins.map((i) => i.buffer),
        concretes.map((c) => c.aval),
        params,
        outAval,
      );
    } finally {
      for (const i of ins) if (i.copied) backend.release(i.buffer);
    }
    const result = new ConcreteArray(outAval, backend, out);
    if (scope && internalDepth > 0) scope.push(result);
    return result;
  }
}

// ---------------------------------------------------------------------------------------
// Release scopes: a transformation called eagerly frees the intermediates its rules made.

let internalDepth = 0;
let scope: ConcreteArray[] | null = null;

/** Run `fn` as transformation-internal work: arrays its kernels produce may be released. */
export function asInternal<R>(fn: () => R): R {
  internalDepth++;
  try {
    return fn();
  } finally {
    internalDepth--;
  }
}

/**
 * Run an eager transformation; afterwards release every array that its internal work
 * (JVP rules, transposition, linear programs) produced, except those reachable from
 * `keep(result)`. Only the outermost eager call releases; nested ones just run.
 */
export function releaseScope<R>(fn: () => R, keep: (result: R) => Iterable<unknown>): R {
  if (scope !== null || stack.length > 0) return fn();
  const mine: ConcreteArray[] = [];
  scope = mine;
  let result: R;
  try {
    result = fn();
  } catch (e) {
    scope = null;
    for (const a of mine) a.dispose();
    throw e;
  }
  scope = null;
  const kept = new Set<unknown>(keep(result));
  for (const a of mine) if (!kept.has(a)) a.dispose();
  return result;
}

const evalMain = new MainTrace(-1, "eval", (main) => new EvalTrace(main), null);
const evalTrace: Trace = new EvalTrace(evalMain);
stack.length = 0;

/** The current depth of nested transformations (0 outside any). */
export function traceDepth(): number {
  return stack.length;
}
