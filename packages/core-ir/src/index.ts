import "./prims/index.js";

export * from "./errors.js";
export * from "./dtype.js";
export * from "./shape.js";
export * from "./registry.js";
export * from "./backend.js";
export * from "./trace.js";
export * from "./program.js";
export * from "./staging.js";
export * from "./pytree.js";
export { type DTypeClass } from "./prims/checks.js";
export * as ops from "./ops.js";
