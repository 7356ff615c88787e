import { type ConcreteArray, type Tracer, bind1, stageProgram, typecheck } from "@lintra/core-ir";
import { jvp, linearize } from "@lintra/jvp";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { transpose, vjp } from "../src/index.js";
import { arr } from "./check-grads.js";

/** One step of a random program: an operation on earlier values (by index, taken modulo). */
type Step = { op: (typeof OPS)[number]; a: number; b: number };
const OPS = ["sin", "tanh", "logistic", "neg", "mul", "add", "sub", "sumBroadcast", "rev", "cumsum", "gatherPerm", "maxPair", "slicePad"] as const;

const N = 4;
const perm = arr([3, 1, 0, 2], [4], "int32");

function apply(step: Step, vals: Tracer[]): Tracer {
  const x = vals[step.a % vals.length];
  const y = vals[step.b % vals.length];
  const u = (p: "sin" | "tanh" | "logistic" | "neg") => bind1(p, [x], {});
  switch (step.op) {
    case "sin":
    case "tanh":
    case "logistic":
    case "neg":
      return u(step.op);
    case "mul":
    case "add":
    case "sub":
      return bind1(step.op, [x, y], {});
    case "sumBroadcast":
      return bind1("broadcast_in_dim", [bind1("reduce_sum", [x], { axes: [0] })], { shape: [N], broadcastDimensions: [] });
    case "rev":
      return bind1("rev", [x], { dimensions: [0] });
    case "cumsum":
      return bind1("cumsum", [x], { axis: 0, reverse: step.b % 2 === 0 });
    case "gatherPerm":
      return bind1("gather", [x, perm], { axes: [0] });
    case "maxPair":
      return bind1("max", [x, y], {});
    case "slicePad":
      return bind1("pad", [bind1("slice", [x], { startIndices: [1], limitIndices: [N], strides: null }), y.ndim ? bind1("reduce_sum", [y], { axes: [0] }) : y], {
        paddingConfig: [[0, 1, 0]],
      });
  }
}

function programOf(steps: Step[]) {
  return (x: Tracer, w: Tracer): Tracer => {
    const vals = [x, w];
    for (const s of steps) vals.push(apply(s, vals));
    return vals[vals.length - 1];
  };
}

const stepArb = fc.record({ op: fc.constantFrom(...OPS), a: fc.nat(20), b: fc.nat(20) });
const vecArb = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: N, maxLength: N });

describe("random programs (property)", () => {
  it("linearize∘transpose (jacrev) agrees with forward mode (jacfwd)", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), vecArb, vecArb, (steps, xs, ws) => {
        const f = programOf(steps);
        const x = arr(xs, [N]);
        const w = arr(ws, [N]);
        const fx = (v: Tracer) => f(v, w);
        // Column j by forward mode (J e_j), row i by reverse mode (Jᵀ e_i): the same matrix.
        const e = (i: number) => arr(Array.from({ length: N }, (_, k) => (k === i ? 1 : 0)), [N]);
        const columns = Array.from({ length: N }, (_, j) => Array.from((jvp(fx, [x], [e(j)])[1] as ConcreteArray).readSync()));
        const [, fVjp] = vjp(fx, x);
        const rows = Array.from({ length: N }, (_, i) => Array.from((fVjp(e(i))[0] as ConcreteArray).readSync()));
        expect(rows).toBeAllclose(columns[0].map((_, i) => columns.map((c) => c[i])), { rtol: 1e-10, atol: 1e-12 });
        const [, fLin] = linearize(fx, x);
        typecheck(fLin.program);
        typecheck(transpose(fLin.program));
        typecheck(stageProgram((v) => [fx(v)], [x.aval]));
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});
