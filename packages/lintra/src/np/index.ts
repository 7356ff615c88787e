/** The NumPy-like API. Every function takes arrays or JS numbers and returns an array. */
export { Tracer as Array, type DType } from "@lintra/core-ir";
export type { ArrayLike } from "../operands.js";
export * from "./creation.js";
export * from "./arithmetic.js";
export * from "./math.js";
export * from "./logic.js";
export * from "./reductions.js";
export * from "./linalg.js";
export * from "./shape.js";
export * from "./indexing.js";
