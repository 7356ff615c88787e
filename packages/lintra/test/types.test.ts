/**
 * The transformations' types follow the function they transform. Right uses are checked
 * with `expectTypeOf`, wrong uses with `@ts-expect-error` (each line must fail to compile);
 * `tsc -p tsconfig.json --noEmit` (the package's `typecheck`) enforces both. The runtime
 * tests check that the values have the shapes the types describe.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { grad as gradImpl, linearTranspose as linearTransposeImpl, valueAndGrad as valueAndGradImpl, vjp as vjpImpl } from "@lintra/transpose";
import { jvp as jvpImpl, linearize as linearizeImpl } from "@lintra/jvp";
import { hessian as hessianImpl, jacfwd as jacfwdImpl, jacrev as jacrevImpl } from "../src/jacobians.js";
import {
  type GradOptions,
  type JacOptions,
  type LinearFn,
  customJvp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  linearTranspose,
  linearize,
  np,
  valueAndGrad,
  vjp,
  vmap,
} from "../src/index.js";

type Params = { w: np.Array; b: np.Array };

const f = (x: np.Array) => np.sum(np.sin(x));
const f2 = (x: np.Array, y: np.Array) => np.sum(x.mul(y));
const f3 = (x: np.Array, k: number | np.Array, y: np.Array) => np.sum(x.mul(k).add(y));
const loss = (p: Params, x: np.Array) => np.sum(p.w.mul(x).add(p.b));
const lossAux = (p: Params, x: np.Array) => {
  const y = p.w.mul(x).add(p.b);
  return [np.sum(y), { y, n: 2 }] as const;
};
const pair = (x: np.Array) => ({ s: np.sin(x), c: np.cos(x) });
const params: Params = { w: np.array([1, 2, 3]), b: np.array(0.5) };

/** Never called: wrong uses only have to (fail to) compile. */
export function wrongUses(x: np.Array, y: np.Array): void {
  // @ts-expect-error the gradient of an Array argument is an Array, not a number
  const n: number = grad(f)(x);
  // @ts-expect-error f takes an Array
  grad(f)("a");
  // @ts-expect-error grad(f) keeps f's arity
  grad(f2)(x);
  // @ts-expect-error argnums: 1 gives one gradient, not a tuple
  const [g0, g1] = grad(f2, { argnums: 1 })(x, y);
  // @ts-expect-error a literal argnums must name one of f's arguments
  grad(f2, { argnums: 2 });
  // @ts-expect-error likewise inside a list
  jacrev(f2, { argnums: [0, 3] });
  // @ts-expect-error unknown option
  grad(f2, { argnum: 1 });
  // @ts-expect-error grad needs a function returning an Array
  grad((v: np.Array) => v.item());
  // @ts-expect-error without hasAux, f must return an Array, not [value, aux]
  grad(lossAux)(params, x);
  // @ts-expect-error with hasAux, f must return [value, aux]
  grad(loss, { hasAux: true });
  // @ts-expect-error grad with hasAux is [gradient, aux]; aux.n is an Array, not a string
  const [gAux, aux]: [Params, { n: string }] = grad(lossAux, { hasAux: true })(params, x);
  // @ts-expect-error without hasAux the value is an Array, not [value, aux]
  const [[v0, a0], gv] = valueAndGrad(f)(x);
  // @ts-expect-error the value is an Array
  valueAndGrad(f)(x)[0].foo;
  // @ts-expect-error the gradient of a pytree has the pytree's keys only
  grad(loss)(params, x).c;

  const [, fVjp] = vjp(pair, x);
  // @ts-expect-error the cotangent has the output's structure ({ s, c })
  fVjp({ s: x });
  // @ts-expect-error one cotangent per primal: a one-element tuple
  const [c0, c1] = fVjp({ s: x, c: x });
  // @ts-expect-error vjp's primals are f's arguments
  vjp(f, x, y);

  // @ts-expect-error tangents are f's argument list
  jvp(f, [x], ["a"]);
  // @ts-expect-error primals are f's argument list
  jvp(f2, [x], [x, y]);
  const [, fLin] = linearize(f2, x, y);
  // @ts-expect-error fLin takes one tangent per primal
  fLin(x);
  // @ts-expect-error the transpose takes the output's cotangent
  linearTranspose(fLin)({ s: x });

  // @ts-expect-error jit(f) keeps f's arity
  jit(f)(x, x);
  // @ts-expect-error and f's parameter types
  jit(loss)(x, x);
  // @ts-expect-error vmap(f) keeps f's parameter types
  vmap(loss)(x, x);
  // @ts-expect-error the Jacobian of an Array function is an Array
  const j: number = jacfwd(f)(x);
  // @ts-expect-error the Hessian with respect to a pytree is a pytree of pytrees
  const h: np.Array = hessian(loss)(params, x);
  void [n, g0, g1, gAux, aux, v0, a0, gv, c0, c1, j, h];
}

describe("types of the transformations", () => {
  const x = np.array([0.5, 1, 2]);
  const y = np.array([1, -1, 3]);

  it("grad: the type of the differentiated argument(s)", () => {
    expectTypeOf(grad(f)).parameters.toEqualTypeOf<[x: np.Array]>();
    expectTypeOf(grad(f)).returns.toEqualTypeOf<np.Array>();
    expectTypeOf(grad(f)(x)).toEqualTypeOf<np.Array>();
    // Typed from the arguments given: np.sum takes any ArrayLike, its gradient at an Array is an Array.
    expectTypeOf(grad(np.sum)(x)).toEqualTypeOf<np.Array>();
    const gs = grad((xs: np.Array[]) => np.sum(np.stack(xs)))([x, y]);
    expectTypeOf(gs).toEqualTypeOf<np.Array[]>();
    expect(gs).toHaveLength(2);
    expectTypeOf(grad((v) => np.sum(np.square(v)))(x)).toEqualTypeOf<np.Array>();
    expectTypeOf(grad(f2, { argnums: 1 })(x, y)).toEqualTypeOf<np.Array>();
    const both = grad(f2, { argnums: [0, 1] })(x, y);
    expectTypeOf(both).toEqualTypeOf<[np.Array, np.Array]>();
    expect(both).toHaveLength(2);
    const g = grad(loss)(params, x);
    expectTypeOf(g).toEqualTypeOf<{ w: np.Array; b: np.Array }>();
    expect(Object.keys(g).sort()).toEqual(["b", "w"]);
    // A JS number or an Array argument: its gradient is an Array.
    expectTypeOf(grad(f3, { argnums: [2, 1] })(x, 2, y)).toEqualTypeOf<[np.Array, np.Array]>();
  });

  it("grad and valueAndGrad with hasAux", () => {
    const [g, aux] = grad(lossAux, { hasAux: true })(params, x);
    expectTypeOf(g).toEqualTypeOf<{ w: np.Array; b: np.Array }>();
    expectTypeOf(aux).toEqualTypeOf<{ readonly y: np.Array; readonly n: np.Array }>();
    expect(aux.n.item()).toBe(2);
    const [[value, aux2], g2] = valueAndGrad(lossAux, { hasAux: true, argnums: 1 })(params, x);
    expectTypeOf(value).toEqualTypeOf<np.Array>();
    expectTypeOf(aux2.y).toEqualTypeOf<np.Array>();
    expectTypeOf(g2).toEqualTypeOf<np.Array>();
    expect(g2.shape).toEqual([3]);
    const [v, gx] = valueAndGrad(f)(x);
    expectTypeOf(v).toEqualTypeOf<np.Array>();
    expectTypeOf(gx).toEqualTypeOf<np.Array>();
  });

  it("options known only at run time still type-check", () => {
    const options: GradOptions = { argnums: 1 };
    const g = grad(f2, options)(x, y);
    expectTypeOf(g).toEqualTypeOf<np.Array | np.Array[] | [np.Array | np.Array[], unknown]>();
    const nums: number[] = [0, 1];
    expectTypeOf(grad(f2, { argnums: nums })(x, y)).toEqualTypeOf<np.Array[]>();
    const jacOptions: JacOptions = { argnums: 0 };
    expectTypeOf(jacfwd(f2, jacOptions)(x, y)).toEqualTypeOf<np.Array | np.Array[]>();
  });

  it("vjp, jvp, linearize and linearTranspose", () => {
    const [out, fVjp] = vjp(pair, x);
    expectTypeOf(out).toEqualTypeOf<{ s: np.Array; c: np.Array }>();
    expectTypeOf(fVjp).parameter(0).toEqualTypeOf<{ s: np.Array | number; c: np.Array | number }>();
    const cts = fVjp({ s: np.onesLike(x), c: np.zerosLike(x) });
    expectTypeOf(cts).toEqualTypeOf<[np.Array]>();
    expect(cts).toHaveLength(1);
    expectTypeOf(vjp(loss, params, x)[1](1)).toEqualTypeOf<[{ w: np.Array; b: np.Array }, np.Array]>();
    expectTypeOf(vjp(np.sin, x)[1](x)).toEqualTypeOf<[np.Array]>();

    const [y0, t0] = jvp(pair, [x], [np.onesLike(x)]);
    expectTypeOf(y0).toEqualTypeOf<{ s: np.Array; c: np.Array }>();
    expectTypeOf(t0).toEqualTypeOf<{ s: np.Array; c: np.Array }>();

    const [y1, fLin] = linearize(f2, x, y);
    expectTypeOf(y1).toEqualTypeOf<np.Array>();
    expectTypeOf(fLin).toEqualTypeOf<LinearFn<[x: np.Array, y: np.Array], np.Array>>();
    expectTypeOf(fLin(x, y)).toEqualTypeOf<np.Array>();
    const back = linearTranspose(fLin)(np.array(1));
    expectTypeOf(back).toEqualTypeOf<[x: np.Array, y: np.Array]>();
    expect(back).toHaveLength(2);
    // Every linearized function is a LinearFn.
    expectTypeOf(fLin).toExtend<LinearFn>();
  });

  it("jacfwd, jacrev, hessian: Arrays for Array functions, JAX's structure for pytrees", () => {
    expectTypeOf(jacfwd(f)).parameters.toEqualTypeOf<[x: np.Array]>();
    expectTypeOf(jacfwd(f)(x)).toEqualTypeOf<np.Array>();
    expectTypeOf(jacrev(np.sin)(x)).toEqualTypeOf<np.Array>();
    expectTypeOf(jacrev(pair)(x)).toEqualTypeOf<{ s: np.Array; c: np.Array }>();
    expectTypeOf(jacrev(f2, { argnums: [0, 1] })(x, y)).toEqualTypeOf<[np.Array, np.Array]>();
    expectTypeOf(jacfwd(loss)(params, x)).toEqualTypeOf<{ w: np.Array; b: np.Array }>();
    expectTypeOf(hessian(f)(x)).toEqualTypeOf<np.Array>();
    const h = hessian(loss)(params, x);
    expectTypeOf(h).toEqualTypeOf<{ w: { w: np.Array; b: np.Array }; b: { w: np.Array; b: np.Array } }>();
    expect(h.w.b.shape).toEqual([3]);
  });

  it("jit and vmap keep f's signature; the transformations compose", () => {
    expectTypeOf(jit(loss)).toEqualTypeOf<(p: Params, x: np.Array) => np.Array>();
    expectTypeOf(vmap(pair)).toEqualTypeOf<(x: np.Array) => { s: np.Array; c: np.Array }>();
    expectTypeOf(grad(jit(loss))(params, x)).toEqualTypeOf<Params>();
    expectTypeOf(jit(grad(loss))).toEqualTypeOf<(p: Params, x: np.Array) => { w: np.Array; b: np.Array }>();
    expectTypeOf(vmap(grad(f), { inAxes: 0 })(np.ones([4, 3]))).toEqualTypeOf<np.Array>();
    expectTypeOf(jvp(grad(f), [x], [y])[1]).toEqualTypeOf<np.Array>();
    const g = customJvp((v: np.Array) => np.sum(np.exp(v)));
    g.defjvp(([v]: np.Array[], [t]: np.Array[]) => [np.sum(np.exp(v)), np.sum(np.exp(v).mul(t))]);
    expectTypeOf(grad(g)(x)).toEqualTypeOf<np.Array>();
  });

  it("the typed exports are the implementations themselves", () => {
    expect(grad).toBe(gradImpl);
    expect(valueAndGrad).toBe(valueAndGradImpl);
    expect(vjp).toBe(vjpImpl);
    expect(linearTranspose).toBe(linearTransposeImpl);
    expect(jvp).toBe(jvpImpl);
    expect(linearize).toBe(linearizeImpl);
    expect([jacfwd, jacrev, hessian]).toEqual([jacfwdImpl, jacrevImpl, hessianImpl]);
  });
});
