// Transformations. Reverse mode is linearize, then transpose: `vjp`, `grad`, `valueAndGrad`,
// `jacrev` and `hessian` all stage the JVP's linear program and run its transpose.
// Jacobians are batched (`vmap`) over basis vectors, never looped.
export { jit, type JitOptions, JIT_CACHE_SIZE } from "@lintra/core-ir";
export { customJvp, customVjp, type CustomJvpFunction, type CustomVjpFunction } from "@lintra/core-ir";
export { transpose, type GradOptions } from "@lintra/transpose";
export { vmap, type VmapOptions, type Axes } from "@lintra/vmap";
export { type JacOptions } from "./jacobians.js";
export type {
  ArgIndex,
  Argnums,
  ArrayTree,
  Cotangent,
  GradFn,
  GradOf,
  Hessian,
  HessianFn,
  Jacobian,
  JacobianFn,
  JvpFn,
  LinearFn,
  LinearTransposeFn,
  LinearizeFn,
  LiteralGradOptions,
  LiteralJacOptions,
  ValueAndGradFn,
  VjpFn,
} from "./types.js";

import { jvp as jvpImpl, linearize as linearizeImpl } from "@lintra/jvp";
import { grad as gradImpl, linearTranspose as linearTransposeImpl, valueAndGrad as valueAndGradImpl, vjp as vjpImpl } from "@lintra/transpose";
import { hessian as hessianImpl, jacfwd as jacfwdImpl, jacrev as jacrevImpl } from "./jacobians.js";
import type { GradFn, HessianFn, JacobianFn, JvpFn, LinearTransposeFn, LinearizeFn, ValueAndGradFn, VjpFn } from "./types.js";

/**
 * `grad(f)(...args)`: the gradient of a scalar function with respect to argument 0 (or
 * `argnums`: one position, or a list of them), typed like that argument; with `hasAux`,
 * `f` returns `[value, aux]` and the result is `[gradient, aux]`.
 */
export const grad: GradFn = gradImpl as GradFn;

/** `valueAndGrad(f)(...args)` -> `[value, gradient]`; with `hasAux`, `[[value, aux], gradient]`. */
export const valueAndGrad: ValueAndGradFn = valueAndGradImpl as ValueAndGradFn;

/** Reverse mode: `vjp(f, ...primals)` -> `[out, fVjp]`, `fVjp(ct)` -> one cotangent per primal. */
export const vjp: VjpFn = vjpImpl as VjpFn;

/** Forward mode: `jvp(f, primals, tangents)` -> `[f(...primals), J·tangents]`. */
export const jvp: JvpFn = jvpImpl as JvpFn;

/**
 * `linearize(f, ...primals)` -> `[out, fLin]`: the primal is computed now; `fLin(...tangents)`
 * applies the Jacobian at `primals` by running the staged linear program.
 */
export const linearize: LinearizeFn = linearizeImpl as LinearizeFn;

/** `linearTranspose(fLin)` -> `fT(ct)`: the transpose of a linear function from `linearize`, one cotangent per primal. */
export const linearTranspose: LinearTransposeFn = linearTransposeImpl as LinearTransposeFn;

/** Jacobian by forward mode (`vmap` of `jvp`): shape `out.shape ++ in.shape`, pytrees as in JAX. */
export const jacfwd: JacobianFn = jacfwdImpl as JacobianFn;

/** Jacobian by reverse mode (`vmap` of the VJP): shape `out.shape ++ in.shape`, pytrees as in JAX. */
export const jacrev: JacobianFn = jacrevImpl as JacobianFn;

/** Hessian as forward-over-reverse, `jacfwd(jacrev(f))`: shape `out.shape ++ in.shape ++ in.shape`. */
export const hessian: HessianFn = hessianImpl as HessianFn;
