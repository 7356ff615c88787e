/**
 * Transformations handed something they cannot transform: a non-function, an async
 * function, a function returning a Promise, a plain function where a linear one from
 * linearize is expected. Each is a typed error from the transformation call itself, and a
 * Promise never becomes an unhandled rejection. A user's own exception passes through
 * unchanged at any nesting depth.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  TransformError,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  lax,
  linearTranspose,
  linearize,
  makeProgram,
  np,
  setBackend,
  tidy,
  valueAndGrad,
  vjp,
  vmap,
} from "../../src/index.js";
import { BACKENDS, expectHealthy, expectTypedError } from "./harness.js";

const x = () => np.array([0.5, -1.5, 2]);
const sumSquares = (v: np.Array) => np.sum(v.mul(v));

/** Transformations as a user calls them with `f` (the call must check `f` before running anything). */
const makers: [string, (f: any) => unknown][] = [
  ["grad", (f) => grad(f)],
  ["valueAndGrad", (f) => valueAndGrad(f)],
  ["jit", (f) => jit(f)],
  ["vmap", (f) => vmap(f)],
  ["jacfwd", (f) => jacfwd(f)],
  ["jacrev", (f) => jacrev(f)],
  ["hessian", (f) => hessian(f)],
  ["makeProgram", (f) => makeProgram(f)],
  ["customJvp", (f) => customJvp(f)],
  ["customVjp", (f) => customVjp(f)],
  ["jvp", (f) => jvp(f, [x()], [x()])],
  ["vjp", (f) => vjp(f, x())],
  ["linearize", (f) => linearize(f, x())],
  ["tidy", (f) => tidy(f)],
];

describe.each(BACKENDS)("transformations of bad functions (%s)", (backend) => {
  let rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeEach(() => {
    setBackend(backend);
    rejections = [];
    process.on("unhandledRejection", onRejection);
  });
  afterEach(async () => {
    // Let any discarded promise settle: none may reject unhandled.
    await new Promise((r) => setTimeout(r, 20));
    process.off("unhandledRejection", onRejection);
    expect(rejections).toEqual([]);
    expectHealthy(backend);
  });

  it.each(makers)("%s of a non-function names the call and asks for a function", (name, make) => {
    for (const bad of [42, "sin", null, { f: 1 }]) expectTypedError(() => make(bad), TransformError, `${name}: expected`, "to be a function");
  });

  it.each(makers)("%s of an async function is refused before it runs", (name, make) => {
    let ran = false;
    const f = async (v: np.Array) => {
      ran = true;
      return sumSquares(v);
    };
    expectTypedError(() => make(f), TransformError, `${name}:`, "async function", "synchronous");
    expect(ran).toBe(false);
  });

  it.each([
    ["grad", () => grad((v: np.Array) => Promise.resolve(sumSquares(v)) as never)(x())],
    ["valueAndGrad", () => valueAndGrad((v: np.Array) => Promise.resolve(sumSquares(v)) as never)(x())],
    ["jit", () => jit((v: np.Array) => Promise.resolve(sumSquares(v)))(x())],
    ["vmap", () => vmap((v: np.Array) => Promise.resolve(v.mul(2)))(x())],
    ["jvp", () => jvp((v: np.Array) => Promise.resolve(v.mul(2)), [x()], [x()])],
    ["vjp", () => vjp((v: np.Array) => Promise.resolve(v.mul(2)), x())],
    ["linearize", () => linearize((v: np.Array) => Promise.resolve(v.mul(2)), x())],
    ["makeProgram", () => makeProgram((v: np.Array) => Promise.resolve(v.mul(2)))(x())],
    ["lax.scan", () => lax.scan((c: np.Array, xi: np.Array) => Promise.resolve([c.add(xi), xi]) as never, np.array(0), x())],
    ["tidy", () => tidy(() => Promise.resolve(x()))],
  ])("%s of a function returning a Promise is a typed error, and the promise never rejects unhandled", (name, call) => {
    expectTypedError(call, TransformError, name, "returned a Promise", "synchronous");
  });

  it("a promise that rejects later (a tracer used after the transformation) is absorbed", () => {
    const f = (v: np.Array) => new Promise<np.Array>((_, reject) => setTimeout(() => reject(new Error("late")), 5)).then(() => v);
    expectTypedError(() => grad(f as unknown as (v: np.Array) => np.Array)(x()), TransformError, "returned a Promise");
  });

  it("linearTranspose of a plain function points to linearize", () => {
    expectTypedError(() => linearTranspose(((t: np.Array) => t) as never), TransformError, "linearTranspose", "linearize");
    expectTypedError(() => linearTranspose(42 as never), TransformError, "linearTranspose", "to be a function");
  });

  it("lax control flow names the bad function", () => {
    expectTypedError(() => lax.scan(42 as never, np.array(0), x()), TransformError, "lax.scan", "to be a function");
    expectTypedError(() => lax.whileLoop(null as never, (v: np.Array) => v, np.array(0)), TransformError, "lax.whileLoop", "condFn");
    expectTypedError(() => lax.cond(np.array(true), "a" as never, (v: np.Array) => v, x()), TransformError, "lax.cond: expected trueFn to be a function");
    expectTypedError(() => lax.switch(np.array(0, { dtype: "int32" }), [(v: np.Array) => v, 1 as never], x()), TransformError, "lax.switch: expected branch 1");
  });

  it("a user's exception passes through unchanged at any depth, and lintra recovers", () => {
    class Mine extends Error {}
    const thrower = (v: np.Array) => {
      if (v.ndim >= 0) throw new Mine("from the user");
      return v;
    };
    const nested = [
      () => grad(thrower)(x()),
      () => jit(grad((v: np.Array) => np.sum(thrower(v))))(x()),
      () => vmap(jit(grad((v: np.Array) => np.sum(thrower(v)))))(np.ones([2, 3])),
      () => tidy(() => hessian((v: np.Array) => np.sum(jit(thrower)(v)))(x())),
      () => lax.scan((c: np.Array, xi: np.Array) => [thrower(c), xi], np.array(0), x()),
    ];
    for (const call of nested) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(Mine);
      expect((caught as Error).message).toBe("from the user");
    }
  });
});
