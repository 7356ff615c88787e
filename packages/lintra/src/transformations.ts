// Transformations. Reverse mode is linearize, then transpose: `vjp`, `grad`, `valueAndGrad`,
// `jacrev` and `hessian` all stage the JVP's linear program and run its transpose.
// Jacobians are batched (`vmap`) over basis vectors, never looped.
export { jit, type JitOptions, JIT_CACHE_SIZE } from "@lintra/core-ir";
export { customJvp, customVjp, type CustomJvpFunction, type CustomVjpFunction } from "@lintra/core-ir";
export { jvp, linearize, type LinearFn } from "@lintra/jvp";
export { vjp, grad, valueAndGrad, linearTranspose, transpose, type GradOptions } from "@lintra/transpose";
export { vmap, type VmapOptions, type Axes } from "@lintra/vmap";
export { jacfwd, jacrev, hessian, type JacOptions } from "./jacobians.js";
