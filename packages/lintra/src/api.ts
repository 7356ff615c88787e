/**
 * The API both entry points export (`lintra` and `lintra/wasm`); they differ only in which
 * backends they register on import.
 */
import "./array.js";

export * as np from "./np/index.js";
export * as lax from "./lax.js";
export * as nn from "./nn.js";
export * as random from "./random.js";
export { makeProgram, type StagedProgram } from "./make-program.js";
export { backendNames, getBackend, registerBackend, setBackend, type Backend } from "@lintra/core-ir";
/** How many threads backend-wasm runs large products, reductions and loops on (default: the cores available). */
export { setWasmThreads, wasmThreads, wasmThreadsReady } from "@lintra/backend-wasm";
export type { NestedValue } from "./readback.js";
export type { ArrayLike } from "./operands.js";
export type { SliceSpec } from "./slicing.js";
export {
  BackendError,
  ConcretizationError,
  ConversionError,
  DTypeError,
  EscapedTracerError,
  LintraError,
  NonLinearError,
  ReleasedArrayError,
  ShapeError,
  TransformError,
  TypecheckError,
  UnknownPrimitiveError,
  UnsupportedPrimitiveError,
  ValueError,
  Tracer as Array,
  type DType,
  type Program,
  typecheck,
  tidy,
} from "@lintra/core-ir";
export * from "./transformations.js";
export {
  checkpoint,
  checkpointName,
  remat,
  policies,
  saveAnyNamesButThese,
  saveOnlyTheseNames,
  SavePolicy,
  type CheckpointOptions,
  type SaveablePredicate,
} from "@lintra/core-ir";
export { rad, type RadOptions } from "./rad.js";
