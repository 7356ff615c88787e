/**
 * Options and argument indices are checked by the transformation call that receives them:
 * unknown keys (with the key a typo probably meant), duplicate, negative, fractional or
 * out-of-range argnums, options that are not an object.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ShapeError, ValueError, grad, hessian, jacfwd, jacrev, jit, np, setBackend, valueAndGrad, vmap } from "../../src/index.js";
import { BACKENDS, expectHealthy, expectTypedError } from "./harness.js";

const f2 = (a: np.Array, b: np.Array) => np.sum(a.mul(b));
const a = () => np.array([1, 2]);
const b = () => np.array([3, 4]);

describe.each(BACKENDS)("options (%s)", (backend) => {
  beforeEach(() => setBackend(backend));
  afterEach(() => expectHealthy(backend));

  it.each([
    ["grad", (o: any) => grad(f2, o)],
    ["valueAndGrad", (o: any) => valueAndGrad(f2, o)],
    ["jacfwd", (o: any) => jacfwd(f2, o)],
    ["jacrev", (o: any) => jacrev(f2, o)],
    ["hessian", (o: any) => hessian(f2, o)],
  ])("%s: a misspelt option is refused at the call, suggesting the right one", (name, make) => {
    expectTypedError(() => make({ argnum: 1 }), ValueError, `${name}: unknown option 'argnum'`, "did you mean 'argnums'");
    expectTypedError(() => make({ argnums: [0, 0] }), ValueError, name, "duplicates");
    expectTypedError(() => make({ argnums: -1 }), ValueError, name, "non-negative integer");
    expectTypedError(() => make({ argnums: 0.5 }), ValueError, name, "non-negative integer");
    expectTypedError(() => make({ argnums: NaN }), ValueError, name, "non-negative integer");
    expectTypedError(() => make({ argnums: "1" }), ValueError, name, "a number or an array of numbers");
    expectTypedError(() => make({ argnums: [] }), ValueError, name, "empty");
    expectTypedError(() => make(42), ValueError, name, "options must be a plain object");
  });

  it("argnums beyond the call's arguments name the index and the count", () => {
    // @ts-expect-error a literal argnums beyond f's parameters does not compile; plain JS reaches the typed error
    expectTypedError(() => grad(f2, { argnums: 2 })(a(), b()), ValueError, "grad: argnums includes 2", "2 positional arguments");
    // @ts-expect-error as above
    expectTypedError(() => jacrev(f2, { argnums: [0, 3] })(a(), b()), ValueError, "jacrev: argnums includes 3");
  });

  it("grad's argnums pick the right argument (no silent fallback to argument 0)", () => {
    const [ga, gb] = grad(f2, { argnums: [0, 1] })(a(), b()) as np.Array[];
    expect(ga.toArray()).toEqual([3, 4]);
    expect(gb.toArray()).toEqual([1, 2]);
    expect(grad(f2, { argnums: 1 })(a(), b()).toArray()).toEqual([1, 2]);
  });

  it("hasAux must be a boolean", () => {
    expectTypedError(() => grad(f2, { hasAux: "yes" as never }), ValueError, "grad: hasAux must be a boolean");
  });

  it("jit: static and donated argument indices are checked", () => {
    expectTypedError(() => jit(f2, { staticArgnum: 1 } as never), ValueError, "unknown option 'staticArgnum'", "did you mean 'staticArgnums'");
    expectTypedError(() => jit(f2, { donateArgnums: [0, 0] }), ValueError, "donateArgnums", "duplicates");
    expectTypedError(() => jit(f2, { staticArgnums: 1, donateArgnums: 1 }), ValueError, "both staticArgnums and donateArgnums");
    expectTypedError(() => jit(f2, { donateArgnums: 5 })(a(), b()), ValueError, "donateArgnums includes 5");
  });

  it("vmap: unknown options and bad axes", () => {
    const double = (v: np.Array) => v.mul(2);
    expectTypedError(() => vmap(double, { inAxis: 0 } as never), ValueError, "vmap: unknown option 'inAxis'", "did you mean 'inAxes'");
    expectTypedError(() => vmap(double, { inAxes: "0" as never })(np.ones([2, 3])), ValueError, "vmap");
    expectTypedError(() => vmap(double, { inAxes: 0.5 })(np.ones([2, 3])), ShapeError, "0.5");
    expectTypedError(() => vmap(double, { inAxes: 4 })(np.ones([2, 3])), ShapeError, "vmap");
  });
});
