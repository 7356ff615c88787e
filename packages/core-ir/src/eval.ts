import { type Backend, getBackend } from "./backend.js";
import { type AnyTypedArray, type DType, toTyped } from "./dtype.js";
import { ConversionError, ReleasedArrayError, UnsupportedPrimitiveError, ValueError } from "./errors.js";
import { implRules } from "./higher-order.js";
import type { Slot } from "./interpret.js";
import { type Ownership, type ReleaseReason, bufferOn, forgetOwner, isDonated, noteProduced, releaseOnCollect, releasedMessage } from "./memory.js";
import { trackCreated } from "./tidy.js";
import { type FirstOrderPrim, type HigherOrderPrim, type Params, type Prim, getPrimitive } from "./registry.js";
import { ShapedArray, type Shape, scalarAval } from "./shape.js";
import { MainTrace, Trace, Tracer, installEvalTrace } from "./trace.js";
import { type Program, subPrograms } from "./program.js";

/**
 * Below this many bytes outside the JS heap an array carries no hint for the collector: its
 * wrapper objects (array, aval, buffer handle) take about as much of the JS heap already,
 * and allocating a hint per scalar costs more than the scalar's kernel.
 */
const GC_HINT_MIN_BYTES = 256;

/**
 * An array with data on a backend. It owns its buffer (see memory.ts): the memory is given
 * back when the array is garbage collected, or earlier when it is disposed.
 */
export class ConcreteArray extends Tracer {
  /** Why the buffer is gone, once it is (see `releasedMessage`). */
  private released: ReleaseReason | null = null;
  /**
   * Memory the JS engine accounts for (never read): without it, a small wrapper object
   * owning megabytes of backend memory would look free to the collector, which would then
   * run too rarely to hand dropped buffers back.
   */
  private gcHint: ArrayBuffer | null = null;
  /** Whether a finalizer will give the buffer back (see `releaseOnCollect`). */
  private finalized = false;

  /** @param ownership Who gives the buffer back (see `Ownership`): by default the collector. */
  constructor(
    readonly aval: ShapedArray,
    readonly backend: Backend<any>,
    private readonly _buffer: unknown,
    ownership: Ownership = "collected",
  ) {
    super(evalTrace);
    if (!backend.garbageCollected && !noteProduced(this, ownership)) this.releaseOnCollect();
    trackCreated(this);
    const external = backend.externalBytes?.(_buffer) ?? 0;
    if (external > GC_HINT_MIN_BYTES) this.gcHint = new ArrayBuffer(external);
  }

  /** Give the buffer back when this array is garbage collected, unless it is released earlier. */
  releaseOnCollect(): void {
    if (this.released || this.finalized || this.backend.garbageCollected) return;
    releaseOnCollect(this, this.backend, this._buffer);
    this.finalized = true;
  }

  /** Numeric and default conversions are errors that say what to write instead (see Tracer). */
  override [Symbol.toPrimitive](hint: "string" | "number" | "default"): string {
    if (hint === "string") return this.toString();
    const what = hint === "number" ? "a JS number (x * 2, x > 0, +x, Math.f(x))" : "a JS primitive (\"loss \" + x, x + 1, x == 1)";
    throw new ConversionError(
      `the array ${this.aval} was used as ${what}; JavaScript has no operator overloading, so this would compute with NaN or a string. ` +
        "Use array methods and np functions (x.mul(2), x.add(1), np.greater(x, 0)), read the value of a size-1 array with x.item(), " +
        "and print with `${x}` or String(x)",
    );
  }

  /** Whether the buffer was given back (disposed, donated, or released by a transformation). */
  get isDisposed(): boolean {
    return this.released !== null;
  }

  /** The backend buffer; throws if the array was released. */
  get buffer(): unknown {
    if (this.released) throw new ReleasedArrayError(releasedMessage(this.aval, this.released));
    return this._buffer;
  }

  /** Give the memory back now (once: a second call does nothing). */
  override dispose(reason: ReleaseReason = "disposed"): void {
    if (this.released) return;
    this.surrender(reason);
    this.backend.release(this._buffer);
  }

  /**
   * Stop owning the buffer without giving it back: its new owner (a program run that was
   * donated the array) releases it. The array is invalid afterwards.
   */
  surrender(reason: ReleaseReason): unknown {
    const buffer = this.buffer;
    this.released = reason;
    this.gcHint = null;
    if (this.finalized) forgetOwner(this);
    return buffer;
  }

  static fromTyped(data: AnyTypedArray | ArrayLike<number>, shape: Shape, dtype: DType, backend: Backend<any> = getBackend()): ConcreteArray {
    const aval = shape.length === 0 ? scalarAval(dtype) : new ShapedArray(shape, dtype);
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

  /** A scalar owned as `ownership` says: a rule's constant, or one made for a JS-number operand. */
  static scopedScalar(value: number, dtype: DType, ownership: Ownership): ConcreteArray {
    const backend = getBackend();
    const aval = scalarAval(dtype);
    if (!backend.dtypes.includes(dtype)) throw new UnsupportedPrimitiveError("array", backend.name, dtype);
    return new ConcreteArray(aval, backend, backend.fromTyped(toTyped(dtype, [value]), aval), ownership);
  }

  /** The data, as a fresh typed array. */
  readSync(): AnyTypedArray {
    return this.backend.read(this.buffer, this.aval).slice();
  }

  /** The first element, read without copying the data (a scalar's value). */
  readScalar(): number {
    return this.backend.read(this.buffer, this.aval)[0] as number;
  }

  async readAsync(): Promise<AnyTypedArray> {
    const data = this.backend.readAsync ? await this.backend.readAsync(this.buffer, this.aval) : this.backend.read(this.buffer, this.aval);
    return data.slice();
  }
}

/** A buffer with its type and the backend holding it (a concrete array is one). */
export interface BufferRef {
  readonly buffer: unknown;
  readonly aval: ShapedArray;
  readonly backend: Backend<any>;
}

/** Run one first-order primitive's kernel on `backend`; the caller owns the output buffers. */
export function runKernel<P extends FirstOrderPrim>(
  backend: Backend<any>,
  prim: P,
  inputs: readonly BufferRef[],
  params: Params<P>,
  outAvals: ShapedArray[],
): unknown[] {
  const kernel = backend.kernels[prim];
  if (!kernel) throw new UnsupportedPrimitiveError(prim, backend.name);
  const { dtypes } = backend;
  for (let i = 0; i < outAvals.length; i++) {
    if (!dtypes.includes(outAvals[i].dtype)) throw new UnsupportedPrimitiveError(prim, backend.name, outAvals[i].dtype);
  }
  const n = inputs.length;
  const avals = new Array<ShapedArray>(n);
  const buffers = new Array<unknown>(n);
  let copies: unknown[] | null = null;
  for (let i = 0; i < n; i++) {
    const c = inputs[i];
    avals[i] = c.aval;
    if (!dtypes.includes(c.aval.dtype)) throw new UnsupportedPrimitiveError(prim, backend.name, c.aval.dtype);
  }
  try {
    for (let i = 0; i < n; i++) {
      const c = inputs[i];
      // Arrays may live on another backend than the one running the kernel.
      if (c.backend === backend) buffers[i] = c.buffer;
      else (copies ??= []).push((buffers[i] = bufferOn(c.backend, c.buffer, c.aval, backend).buffer));
    }
    return kernel(buffers, avals, params, outAvals);
  } finally {
    if (copies) for (const b of copies) backend.release(b);
  }
}

class EvalTrace extends Trace {
  lift(val: Tracer): Tracer {
    return val;
  }
  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAvals: ShapedArray[]): Tracer[] {
    const concretes = tracers as ConcreteArray[];
    const backend = getBackend();
    if (getPrimitive(prim).higherOrder) return runImpl(backend, prim as HigherOrderPrim, concretes, params as never, outAvals);
    const outs = runKernel(backend, prim as FirstOrderPrim, concretes, params as never, outAvals);
    const arrays = new Array<ConcreteArray>(outs.length);
    for (let i = 0; i < outs.length; i++) arrays[i] = produced(outAvals[i], backend, outs[i]);
    return arrays;
  }
}

/** A new array owning `buffer`, remembered as transformation-internal work where it is. */
function produced(aval: ShapedArray, backend: Backend<any>, buffer: unknown): ConcreteArray {
  return new ConcreteArray(aval, backend, buffer, "internal");
}

/**
 * A higher-order primitive's impl rule on concrete arrays. Results it owns become new
 * arrays; a result that is an input's buffer is that input; one that is some constant's
 * buffer is copied, so that no two arrays ever own one buffer.
 */
function runImpl<P extends HigherOrderPrim>(backend: Backend<any>, prim: P, args: readonly ConcreteArray[], params: Params<P>, outAvals: ShapedArray[]): ConcreteArray[] {
  const program = (params as { program?: object }).program;
  const unsupported = unsupportedOperand(backend, prim, args, params);
  if (unsupported) throw unsupported;
  // `owned`: this call releases the buffer afterwards (a copy); `given`: the rule owns it (donated).
  const ins = args.map((a) => {
    const { buffer, copied } = bufferOn(a.backend, a.buffer, a.aval, backend);
    const given = program !== undefined && isDonated(program, a);
    return { buffer, copied, owned: copied && !given, given };
  });
  // A donated array is invalid from here on; its buffer (or the copy of it) is the rule's.
  args.forEach((a, j) => {
    if (!ins[j].given || a.isDisposed) return;
    if (ins[j].copied) a.dispose("donated");
    else a.surrender("donated");
  });
  let outs: Slot[];
  try {
    outs = implRules[prim](backend, ins.map((c) => ({ buffer: c.buffer, owned: c.given })), params, outAvals);
  } catch (e) {
    for (const c of ins) if (c.owned) backend.release(c.buffer);
    throw e;
  }
  const made = new Map<unknown, ConcreteArray>();
  const results = outs.map((s, i) => {
    const input = args.find((a, j) => ins[j].buffer === s.buffer && !ins[j].owned && !ins[j].given);
    if (input) return input;
    if (made.has(s.buffer)) return made.get(s.buffer)!;
    const copied = ins.some((c) => c.owned && c.buffer === s.buffer);
    const buffer = s.owned || copied ? s.buffer : backend.fromTyped(backend.read(s.buffer, outAvals[i]).slice(), outAvals[i]);
    const array = produced(outAvals[i], backend, buffer);
    made.set(s.buffer, array);
    return array;
  });
  for (const c of ins) if (c.owned && !made.has(c.buffer)) backend.release(c.buffer);
  return results;
}

const evalMain = new MainTrace(-1, "eval", (main) => new EvalTrace(main), null);
const evalTrace: Trace = evalMain.trace;
installEvalTrace(evalMain);

/**
 * A dtype the backend does not store, among a higher-order equation's operands: the error
 * eager evaluation would give, named by the first first-order equation of its sub-programs
 * that touches that dtype (before any operand is moved to the backend).
 */
function unsupportedOperand(backend: Backend<any>, prim: Prim, args: readonly ConcreteArray[], params: unknown): UnsupportedPrimitiveError | null {
  const missing = args.find((a) => !backend.dtypes.includes(a.aval.dtype))?.aval.dtype;
  if (!missing) return null;
  const find = (programs: readonly Program[]): Prim | undefined => {
    for (const p of programs) {
      for (const e of p.eqns) {
        const touches = [...e.inputs, ...e.outs].some((a) => a.aval.dtype === missing);
        if (getPrimitive(e.prim).higherOrder) {
          const inner = find(subPrograms(e.params));
          if (inner) return inner;
        } else if (touches) return e.prim;
      }
    }
    return undefined;
  };
  return new UnsupportedPrimitiveError(find(subPrograms(params)) ?? prim, backend.name, missing);
}
