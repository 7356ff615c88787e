/**
 * The public types of the transformations, computed from the type of the function they
 * transform (as JAX's typing and jax-js do): `grad(f)` takes `f`'s parameters and returns
 * the type of the differentiated argument, `vjp(f, ...)` gives one cotangent per primal
 * typed like it, and so on. The implementations in the lower packages stay loosely typed;
 * `transformations.ts` exports them under these signatures.
 *
 * `Array` in these docs is `np.Array` (core-ir's `Tracer`).
 */
import type { Program, Tracer, TreeDef } from "@lintra/core-ir";
import type { GradOptions } from "@lintra/transpose";
import type { JacOptions } from "./jacobians.js";

/**
 * A function a transformation accepts: positional (pytree) arguments, a (pytree) result.
 * (`any[]` is the one parameter list every typed parameter list is assignable to.)
 */
export type Fn = (...args: any[]) => unknown;

/** What may sit at a leaf of a pytree the user passes in: an array, a JS number or boolean (weakly typed), a typed array. */
export type LeafLike = Tracer | number | boolean | ArrayBufferView;

/**
 * `T` as a transformation returns it: the same pytree (tuples, lists, plain objects), every
 * leaf an `Array` (JS numbers, booleans and typed arrays among the leaves come back as arrays).
 * `ArrayTree<Array>` is `Array`, `ArrayTree<{ w: Array; b: number }>` is `{ w: Array; b: Array }`.
 */
export type ArrayTree<T> = 0 extends 1 & T
  ? T
  : T extends LeafLike
    ? Tracer
    : T extends null | undefined
      ? T
      : T extends Fn
        ? T
        : T extends object
          ? { [K in keyof T]: ArrayTree<T[K]> }
          : T;

/**
 * A cotangent the user gives for a value of type `T` (`fVjp(ct)`, `linearTranspose(fLin)(ct)`):
 * the same pytree, each leaf an `Array` or a JS number.
 */
export type Cotangent<T> = 0 extends 1 & T
  ? T
  : T extends LeafLike
    ? Tracer | number
    : T extends null | undefined
      ? T
      : T extends Fn
        ? T
        : T extends object
          ? { [K in keyof T]: Cotangent<T[K]> }
          : T;

type ToIndex<K> = K extends `${infer N extends number}` ? N : never;

/** The positions of a parameter list: `0 | 1 | …` for a fixed list, `number` with rest parameters. */
export type ArgIndex<P extends readonly unknown[]> = number extends P["length"] ? number : ToIndex<keyof P & `${number}`>;

/** An `argnums` option for parameters `P`: one position, or a list of them. */
export type Argnums<P extends readonly unknown[]> = ArgIndex<P> | readonly ArgIndex<P>[];

/**
 * The derivative with respect to the arguments at `N` of a function with parameters `P`:
 * for one position the argument's type (as an `ArrayTree`), for a list a tuple of them.
 */
export type GradOf<P extends readonly unknown[], N> = N extends number
  ? ArrayTree<P[N]>
  : N extends readonly unknown[]
    ? { -readonly [K in keyof N]: ArrayTree<P[N[K] & number]> }
    : never;

/** The `argnums` an options type `O` may hold (0 where it may be absent). */
type ArgnumsOf<O> = "argnums" extends keyof O ? (O extends { argnums?: infer N } ? Exclude<N, undefined> | (undefined extends N ? 0 : never) : 0) : 0;

/** The `hasAux` values an options type `O` may hold (false where it may be absent). */
type AuxFlagOf<O> = "hasAux" extends keyof O ? (O extends { hasAux?: infer H } ? Exclude<H, undefined> | (undefined extends H ? false : never) : false) : false;

/** The `aux` part of a function that returns `[value, aux]`. */
type AuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer A] ? ArrayTree<A> : never;

/** The aux type of `f`'s result where it may return `[value, aux]`. */
type MaybeAuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer A] ? ArrayTree<A> : unknown;

/** `grad(f, options)(...args: A)` for options known only at run time: the gradient, or `[gradient, aux]` where `hasAux` may be true. */
type RuntimeGrad<F extends Fn, O, A extends readonly unknown[]> =
  | (false extends AuxFlagOf<O> ? GradOf<A, ArgnumsOf<O>> : never)
  | (true extends AuxFlagOf<O> ? [GradOf<A, ArgnumsOf<O>>, MaybeAuxOf<F>] : never);

/** `valueAndGrad(f, options)(...args: A)` for options known only at run time. */
type RuntimeValueAndGrad<F extends Fn, O, A extends readonly unknown[]> = [
  (false extends AuxFlagOf<O> ? Tracer : never) | (true extends AuxFlagOf<O> ? [Tracer, MaybeAuxOf<F>] : never),
  GradOf<A, ArgnumsOf<O>>,
];

/** A function that returns a scalar: what `grad` and `valueAndGrad` differentiate. */
type ScalarFn = (...args: any[]) => Tracer;

/** A function that returns `[value, aux]` (the `hasAux` form). */
type ScalarAuxFn = (...args: any[]) => readonly [Tracer, unknown];

type Elem<T> = T extends readonly (infer E)[] ? E : T;
type WideOption<O, K extends PropertyKey, W> = K extends keyof O ? ([W] extends [Elem<Exclude<O[K], undefined>>] ? true : false) : false;

/**
 * `unknown` for options whose values are known only at run time (a `GradOptions` or
 * `JacOptions` variable: `argnums: number`, `hasAux: boolean`), `never` for literal options,
 * which the precise overloads take (so a literal out-of-range `argnums` does not compile).
 */
type RuntimeOptions<O> = true extends WideOption<O, "argnums", number> | WideOption<O, "hasAux", boolean> ? unknown : never;

/** The options of `grad` and `valueAndGrad` with literal values (`argnums`: a position or a tuple of them). */
export interface LiteralGradOptions<N, Aux extends boolean> {
  /** Which positional argument(s) to differentiate: a number gives one gradient, a list a tuple of them. */
  argnums?: N;
  /** `f` returns `[value, aux]`; aux is passed through undifferentiated. */
  hasAux?: Aux;
}

/*
 * The functions `grad`, `valueAndGrad`, `jacfwd`, `jacrev` and `hessian` return take `f`'s
 * parameters (`A extends Parameters<F>`) and type their result from the arguments actually
 * given, as `vjp` types its cotangents from the primals given: a pytree gradient has the
 * structure of the argument passed, and `grad(np.sin)(x)` is an Array although `np.sin`
 * accepts any `ArrayLike`.
 */

/** The type of `grad`. */
export interface GradFn {
  /** `f` returns `[value, aux]`: `grad(f, { hasAux: true })(...args)` is `[gradient, aux]`. */
  <F extends ScalarAuxFn, const N extends Argnums<Parameters<F>> = 0>(
    f: F,
    options: LiteralGradOptions<N, true> & { hasAux: true },
  ): <A extends Parameters<F>>(...args: A) => [GradOf<A, N>, AuxOf<F>];
  /** `grad(f)(...args)`: the gradient with respect to argument 0 (or `argnums`), typed like it. */
  <F extends ScalarFn, const N extends Argnums<Parameters<F>> = 0>(
    f: F,
    options?: LiteralGradOptions<N, false>,
  ): <A extends Parameters<F>>(...args: A) => GradOf<A, N>;
  /** Options known only at run time: one gradient or a list, with or without aux. */
  <F extends ScalarFn | ScalarAuxFn, const O extends GradOptions>(
    f: F,
    options: O & RuntimeOptions<O>,
  ): <A extends Parameters<F>>(...args: A) => RuntimeGrad<F, O, A>;
}

/** The type of `valueAndGrad`. */
export interface ValueAndGradFn {
  /** `f` returns `[value, aux]`: `valueAndGrad(f, { hasAux: true })(...args)` is `[[value, aux], gradient]`. */
  <F extends ScalarAuxFn, const N extends Argnums<Parameters<F>> = 0>(
    f: F,
    options: LiteralGradOptions<N, true> & { hasAux: true },
  ): <A extends Parameters<F>>(...args: A) => [[Tracer, AuxOf<F>], GradOf<A, N>];
  /** `valueAndGrad(f)(...args)` is `[value, gradient]`. */
  <F extends ScalarFn, const N extends Argnums<Parameters<F>> = 0>(
    f: F,
    options?: LiteralGradOptions<N, false>,
  ): <A extends Parameters<F>>(...args: A) => [Tracer, GradOf<A, N>];
  /** Options known only at run time. */
  <F extends ScalarFn | ScalarAuxFn, const O extends GradOptions>(
    f: F,
    options: O & RuntimeOptions<O>,
  ): <A extends Parameters<F>>(...args: A) => RuntimeValueAndGrad<F, O, A>;
}

/** The type of `vjp`: `vjp(f, ...primals)` is `[out, fVjp]`, `fVjp(ct)` one cotangent per primal, typed like it. */
export type VjpFn = <F extends Fn, A extends Parameters<F>>(
  f: F,
  ...primals: A
) => [ArrayTree<ReturnType<F>>, (ct: Cotangent<ReturnType<F>>) => ArrayTree<A>];

/** The type of `jvp`: `jvp(f, primals, tangents)` is `[out, tangentOut]`; primals and tangents are `f`'s argument lists. */
export type JvpFn = <F extends Fn>(
  f: F,
  primals: Readonly<Parameters<F>>,
  tangents: Readonly<Parameters<F>>,
) => [ArrayTree<ReturnType<F>>, ArrayTree<ReturnType<F>>];

/**
 * A linearized function from `linearize`: takes tangents shaped like the primals `T`,
 * returns the output tangent `R`, and evaluates only the staged linear program. The bare
 * `LinearFn` is the type every linearized function is assignable to.
 */
export interface LinearFn<T extends readonly unknown[] = any[], R = unknown> {
  (...tangents: T): R;
  /** The linear program over residuals, from input tangents to output tangents. */
  readonly program: Program;
  /** The pytree structure of the primal arguments. */
  readonly primalTree: TreeDef;
  /** The pytree structure of the output. */
  readonly outTree: TreeDef;
}

/** The type of `linearize`: `linearize(f, ...primals)` is `[out, fLin]`, `fLin` taking `f`'s argument list as tangents. */
export type LinearizeFn = <F extends Fn>(
  f: F,
  ...primals: Parameters<F>
) => [ArrayTree<ReturnType<F>>, LinearFn<Parameters<F>, ArrayTree<ReturnType<F>>>];

/** The type of `linearTranspose`: the transpose of `fLin` takes an output cotangent and returns one cotangent per primal. */
export type LinearTransposeFn = <T extends readonly unknown[], R>(fLin: LinearFn<T, R>) => (ct: Cotangent<R>) => ArrayTree<T>;

/**
 * The Jacobian of an output of type `O` with respect to inputs of type `I` (JAX's
 * structure): `O`'s pytree with `I` at each leaf; each of those leaves has shape
 * `out.shape ++ in.shape`. For an `Array` output and an `Array` input it is an `Array`.
 */
export type Jacobian<O, I> = 0 extends 1 & O
  ? O
  : O extends LeafLike
    ? I
    : O extends null | undefined
      ? O
      : O extends object
        ? { [K in keyof O]: Jacobian<O[K], I> }
        : never;

/** The Hessian of an output of type `O` with respect to inputs of type `I`: the Jacobian of the Jacobian. */
export type Hessian<O, I> = Jacobian<Jacobian<O, I>, I>;

/** The options of the Jacobians with a literal `argnums` (a position or a tuple of them). */
export interface LiteralJacOptions<N> {
  /** Which positional argument(s) to differentiate: a number gives one Jacobian, a list a tuple of them. */
  argnums?: N;
}

/** The type of `jacfwd` and `jacrev`. */
export interface JacobianFn {
  /** The Jacobian with respect to argument 0 (or `argnums`: one position, or a tuple of them). */
  <F extends Fn, const N extends Argnums<Parameters<F>> = 0>(
    f: F,
    options?: LiteralJacOptions<N>,
  ): <A extends Parameters<F>>(...args: A) => Jacobian<ReturnType<F>, GradOf<A, N>>;
  /** `argnums` known only at run time. */
  <F extends Fn, const O extends JacOptions>(
    f: F,
    options: O & RuntimeOptions<O>,
  ): <A extends Parameters<F>>(...args: A) => Jacobian<ReturnType<F>, GradOf<A, ArgnumsOf<O>>>;
}

/** The type of `hessian`: the Jacobian of the Jacobian, with respect to the same arguments. */
export interface HessianFn {
  /** The Hessian with respect to argument 0 (or `argnums`: one position, or a tuple of them). */
  <F extends Fn, const N extends Argnums<Parameters<F>> = 0>(
    f: F,
    options?: LiteralJacOptions<N>,
  ): <A extends Parameters<F>>(...args: A) => Hessian<ReturnType<F>, GradOf<A, N>>;
  /** `argnums` known only at run time. */
  <F extends Fn, const O extends JacOptions>(
    f: F,
    options: O & RuntimeOptions<O>,
  ): <A extends Parameters<F>>(...args: A) => Hessian<ReturnType<F>, GradOf<A, ArgnumsOf<O>>>;
}
