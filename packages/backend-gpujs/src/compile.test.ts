import { cpuBackend } from "@lintra/backend-cpu";
import { type Backend, ConcreteArray, type Program, type Tracer, UnsupportedPrimitiveError, jit, lax, planFusion, setBackend } from "@lintra/core-ir";
import { jitAgreement } from "@lintra/conformance";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { describeGL } from "../test/gl.js";
import { fusedKernels, fusibleOnGpujs } from "./fused.js";
import { createGpujsBackend } from "./index.js";

/**
 * Compiled programs (`jit` on this backend) against the same functions run eagerly. A fused
 * kernel calls the same helpers as the single-op kernels and keeps each op's rounding (see
 * fused.ts), so the two agree bit for bit on these chains.
 */
const backend = createGpujsBackend();
let previous: Backend<any> | null = null;
beforeAll(() => {
  previous = setBackend(backend);
});
afterAll(() => {
  if (previous) setBackend(previous);
});

const { arr, read, full, ramp, expectSame } = jitAgreement(backend);

/** tanh(x·1.5 + 0.25) · exp(−x·x): six elementwise ops and two broadcast scalars. */
const chain = (x: Tracer) => lax.mul(lax.tanh(lax.add(lax.mul(x, full(1.5, x)), full(0.25, x))), lax.exp(lax.neg(lax.mul(x, x))));

describeGL("gpujs compile", () => {
  test("jit hands the program to compile, and a fused chain is one kernel", () => {
    const spy = vi.spyOn(backend, "compile");
    const x = arr(ramp(50), [50]);
    const eager = read(chain(x)); // compiles the single-op kernels (and the scalars' upload)
    const f = jit(chain);
    const before = backend.compiledKernels;
    const y = read(f(x));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(backend.compiledKernels - before).toBe(1);
    // One group of six ops and two broadcasts; its kernel calls each op's helper from the table.
    const steps = planFusion(spy.mock.calls[0][0] as Program, fusibleOnGpujs);
    expect(steps.map((s) => s.kind)).toEqual(["fused"]);
    const [kernel] = fusedKernels(steps[0] as Extract<(typeof steps)[number], { kind: "fused" }>)!;
    for (const h of ["lt_mul", "lt_add", "lt_tanh", "lt_neg", "lt_exp"]) expect(kernel.spec.source()).toContain(`${h}(`);
    read(f(arr(ramp(50, 0.2), [50])));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(backend.compiledKernels - before).toBe(1);
    expect(y).toEqual(eager);
    spy.mockRestore();
  });

  test("a chain with literals and odd sizes", () => {
    for (const n of [1, 3, 7, 33, 1000]) expectSame(chain, arr(ramp(n), [n]));
  });

  test("broadcasts of a bias along rows and columns, and of a scalar, read in place", () => {
    const x = arr(ramp(5 * 7), [5, 7]);
    const row = arr(ramp(7, 0.9), [7]);
    const col = arr(ramp(5, 1.7), [5]);
    const s = arr([0.5], []);
    const f = (x: Tracer, row: Tracer, col: Tracer, s: Tracer) =>
      lax.max(
        lax.add(lax.add(x, lax.broadcastInDim(row, [5, 7], [1])), lax.mul(lax.broadcastInDim(col, [5, 7], [0]), lax.broadcastInDim(s, [5, 7], []))),
        lax.broadcastInDim(s, [5, 7], []),
      );
    const eager = read(f(x, row, col, s));
    const before = backend.compiledKernels;
    expect(read(jit(f)(x, row, col, s))).toEqual(eager);
    expect(backend.compiledKernels - before).toBe(1); // the whole program: one kernel
  });

  test("compares, select and bool results, float32 and int32", () => {
    for (const dtype of ["float32", "int32"] as const) {
      const a = arr(ramp(19).map((v) => (dtype === "int32" ? Math.round(v * 10) : v)), [19], dtype);
      const b = arr(ramp(19, 0.11).map((v) => (dtype === "int32" ? Math.round(v * 10) : v)), [19], dtype);
      expectSame((a, b) => {
        const p = lax.lt(a, b);
        const q = lax.ge(a, lax.neg(b));
        return [lax.select(lax.and(p, lax.not(q)), a, lax.mul(b, a)), lax.or(p, q), lax.convertElementType(lax.eq(a, b), "float32")];
      }, a, b);
    }
  });

  test("several outputs of one group, an input returned as it is and twice, a literal result", () => {
    const x = arr(ramp(12), [3, 4]);
    expectSame((x) => {
      const y = lax.exp(x);
      return [y, lax.sin(y), x, x, lax.stopGradient(x), lax.add(lax.cos(y), y)];
    }, x);
  });

  test("special values and signed zeros go through a fused chain as through single kernels", () => {
    const x = arr([0, -0, Infinity, -Infinity, NaN, 1e-30, -3.5, 2 ** 20], [8]);
    expectSame((x) => lax.sub(lax.add(x, full(1, x)), full(1, x)), x);
    expectSame((x) => lax.max(lax.mul(x, full(-0, x)), lax.div(full(1, x), x)), x);
    expectSame((x) => lax.select(lax.isFinite(x), lax.sqrt(lax.abs(x)), full(Infinity, x)), x);
  });

  test("non-fusible equations in between run kernel by kernel", () => {
    const x = arr(ramp(6 * 5), [6, 5]);
    const w = arr(ramp(5 * 3, 0.7), [5, 3]);
    expectSame((x, w) => {
      const xw = lax.dotGeneral(x, w, { lhsContracting: [1], rhsContracting: [0] });
      const h = lax.tanh(lax.add(xw, full(0.1, xw)));
      const s = lax.reduceSum(lax.mul(h, h), [1]);
      return lax.div(h, lax.broadcastInDim(lax.sqrt(s), [6, 3], [0]));
    }, x, w);
  });

  test("an int32 literal beyond the exact range is the DTypeError of eager upload", () => {
    const x = arr([1, 2], [2], "int32");
    const f = jit((x: Tracer) => lax.add(x, lax.broadcastInDim(ConcreteArray.scalar(2 ** 25, "int32"), [2], [])));
    expect(() => f(x)).toThrow(/2\^24/);
  });

  test("an equation on a dtype the backend does not store is its UnsupportedPrimitiveError, as eagerly", () => {
    const c = ConcreteArray.fromTyped([2], [], "float64", cpuBackend);
    const f = jit(() => lax.neg(c));
    expect(() => f()).toThrow(UnsupportedPrimitiveError);
    expect(() => f()).toThrow(/'neg' with dtype float64/);
  });
});
