import { describe, it } from "vitest";
import { checkGrads, checkGrads2, rng, seedOf } from "./check-grads.js";
import { gradSpecs } from "./grad-specs.js";

describe("jvp and vjp of every differentiable primitive (finite differences, adjoint identity)", () => {
  it.each(gradSpecs.map((s) => [s.name, s] as const))("%s", (name, spec) => {
    const r = rng(seedOf(name, 1000));
    checkGrads(spec.f, spec.inputs(r), r, spec.tol);
  });
});

describe("second order: forward-over-forward and reverse-over-forward", () => {
  const smooth = gradSpecs.filter((s) => s.order2 && !s.tol);
  it.each(smooth.map((s) => [s.name, s] as const))("%s", (name, spec) => {
    const r = rng(seedOf(name, 5000));
    checkGrads2(spec.f, spec.inputs(r), r);
  });
});
