import { describe, it } from "vitest";
import { checkGrads, checkGrads2, rng } from "./check-grads.js";
import { gradSpecs } from "./grad-specs.js";

describe("jvp and vjp of every differentiable primitive (finite differences, adjoint identity)", () => {
  it.each(gradSpecs.map((s, i) => [s.name, s, i] as const))("%s", (_name, spec, i) => {
    const r = rng(1000 + i);
    checkGrads(spec.f, spec.inputs(r), r, spec.tol);
  });
});

describe("second order: forward-over-forward and reverse-over-forward", () => {
  const smooth = gradSpecs.filter((s) => s.order2 && !s.tol);
  it.each(smooth.map((s, i) => [s.name, s, i] as const))("%s", (_name, spec, i) => {
    const r = rng(5000 + i);
    checkGrads2(spec.f, spec.inputs(r), r);
  });
});
