// Transformations. Reverse mode is linearize, then transpose: `vjp`, `grad`, `valueAndGrad`,
// `jacrev` and `hessian` all stage the JVP's linear program and run its transpose.
export { jit, type JitOptions, JIT_CACHE_SIZE } from "@lintra/core-ir";
export { customJvp, customVjp, type CustomJvpFunction, type CustomVjpFunction } from "@lintra/core-ir";
export { jvp, linearize, jacfwd, type LinearFn, type JacOptions } from "@lintra/jvp";
export { vjp, grad, valueAndGrad, linearTranspose, jacrev, hessian, transpose, type GradOptions } from "@lintra/transpose";
