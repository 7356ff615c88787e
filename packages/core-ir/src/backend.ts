import type { AnyTypedArray, DType } from "./dtype.js";
import { BackendError } from "./errors.js";
import type { Program } from "./program.js";
import type { FirstOrderPrim, Params } from "./registry.js";
import type { ShapedArray } from "./shape.js";

/**
 * A kernel: input buffers, their avals and the primitive's params in, one buffer per output
 * out. `outs` are the output avals, already computed by the primitive's abstract eval.
 * Only first-order primitives have kernels; higher-order ones run through impl rules.
 */
export type Kernel<P extends FirstOrderPrim, B> = (inputs: B[], avals: ShapedArray[], params: Params<P>, outs: ShapedArray[]) => B[];

/** The one-output form most kernels are written in (every first-order primitive has one output). */
export type SingleKernel<P extends FirstOrderPrim, B> = (inputs: B[], avals: ShapedArray[], params: Params<P>, out: ShapedArray) => B;

/** A backend's kernels. Complete for the reference backend; `Partial` for the others. */
export type KernelTable<B> = { [P in FirstOrderPrim]?: Kernel<P, B> };
export type SingleKernelTable<B> = { [P in FirstOrderPrim]?: SingleKernel<P, B> };
export type CompleteSingleKernelTable<B> = { [P in FirstOrderPrim]: SingleKernel<P, B> };

/** Kernels written in one-output form, as the contract's list form. */
export function singleOutputKernels<B>(table: SingleKernelTable<B>): KernelTable<B> {
  const out: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(table) as [string, SingleKernel<never, B>][]) {
    if (kernel) out[name] = (inputs: B[], avals: ShapedArray[], params: never, outs: ShapedArray[]) => [kernel(inputs, avals, params, outs[0])];
  }
  return out as KernelTable<B>;
}

/** A program compiled by a backend: input buffers in, output buffers out (owned by the caller). */
export type Executable<B> = (inputs: B[]) => B[];

/**
 * The Backend contract: buffers in and out, a table of kernels, nothing else.
 * No gradient kernels: every derivative is built from the forward primitives.
 */
export interface Backend<B = unknown> {
  readonly name: string;
  /** dtypes this backend stores and computes with. */
  readonly dtypes: readonly DType[];
  /** Allocate a buffer holding `data` (whose length is `aval.size`, dtype `aval.dtype`). */
  fromTyped(data: AnyTypedArray, aval: ShapedArray): B;
  /** Read a buffer back synchronously. The result may alias the buffer: copy before mutating. */
  read(buf: B, aval: ShapedArray): AnyTypedArray;
  /** Read asynchronously (GPU backends); defaults to `read`. */
  readAsync?(buf: B, aval: ShapedArray): Promise<AnyTypedArray>;
  /** Give a buffer's memory back: when the array owning it is collected or disposed, or at its last use in a program. Called once per buffer. */
  release(buf: B): void;
  /**
   * Whether buffers are ordinary JavaScript values that the garbage collector reclaims on
   * its own (`release` does nothing). Arrays on such a backend need no finalizer and no
   * release scope: intermediates of eager transformations die young, as plain objects do.
   */
  readonly garbageCollected?: boolean;
  /**
   * Bytes a buffer holds outside the JavaScript heap (e.g. in a wasm linear memory), if the
   * garbage collector cannot see them. Arrays on such a backend carry a hint of that size so
   * that the collector runs as often as the backend's memory use calls for.
   */
  externalBytes?(buf: B): number;
  readonly kernels: KernelTable<B>;
  /**
   * Optional: compile a whole program (what `jit` hands over). A backend without it runs
   * the program kernel by kernel.
   */
  compile?(program: Program): Executable<B>;
}

/** Identity with a type: a backend is data, defining one registers nothing. */
export function defineBackend<B>(backend: Backend<B>): Backend<B> {
  return backend;
}

const known = new Map<string, Backend<unknown>>();
let current: Backend<unknown> | null = null;

const REQUIRED_METHODS = ["fromTyped", "read", "release"] as const;

/** `backend` has what the contract requires; a typed error from `call` naming what is missing otherwise. */
function checkBackend(call: string, backend: unknown): asserts backend is Backend<unknown> {
  const expected = "expected a Backend object ({ name, dtypes, fromTyped, read, release, kernels })";
  if (typeof backend !== "object" || backend === null) throw new BackendError(`${call}: ${expected}, got ${backend === null ? "null" : typeof backend}`);
  const b = backend as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof b.name !== "string" || b.name === "") problems.push("name (a non-empty string)");
  if (!Array.isArray(b.dtypes) || b.dtypes.length === 0) problems.push("dtypes (a non-empty list)");
  for (const m of REQUIRED_METHODS) if (typeof b[m] !== "function") problems.push(`${m} (a function)`);
  if (typeof b.kernels !== "object" || b.kernels === null) problems.push("kernels (an object of kernels by primitive)");
  if (problems.length) throw new BackendError(`${call}: the backend object lacks ${problems.join(", ")}; ${expected}`);
}

/** Make a backend selectable by name with `setBackend(name)`. */
export function registerBackend(backend: Backend<any>): void {
  checkBackend("registerBackend", backend);
  known.set(backend.name, backend as Backend<unknown>);
}

export function backendNames(): string[] {
  return [...known.keys()];
}

/** Backends of this project that register themselves only when their `register` entry is imported. */
const REGISTER_ENTRIES: Record<string, string> = { gpujs: "@lintra/backend-gpujs/register" };

/** Select the backend that eager operations run on, by name or by value. */
export function setBackend(backend: string | Backend<any>): Backend<unknown> {
  if (typeof backend === "string") {
    const found = known.get(backend);
    if (!found) {
      const entry = REGISTER_ENTRIES[backend];
      const hint = entry ? `; '${backend}' is registered by importing its package: install ${entry.split("/").slice(0, 2).join("/")} and add \`import "${entry}";\`` : "";
      throw new BackendError(`setBackend: unknown backend '${backend}'; expected one of: ${backendNames().join(", ") || "(none registered)"}${hint}`);
    }
    current = found;
  } else {
    if (typeof backend !== "object" || backend === null) {
      throw new BackendError(`setBackend: expected a backend name (${backendNames().map((n) => `'${n}'`).join(", ") || "none registered"}) or a Backend object, got ${backend === null ? "null" : typeof backend}`);
    }
    checkBackend("setBackend", backend);
    registerBackend(backend);
    current = backend as Backend<unknown>;
  }
  return current;
}

/** The backend eager operations run on. */
export function getBackend(): Backend<unknown> {
  if (!current) throw new BackendError("no backend selected; call setBackend() with a backend first");
  return current;
}
