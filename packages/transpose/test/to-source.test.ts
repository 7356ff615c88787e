import { ConcreteArray, type DType, type Program, type Tracer, bind1, evalProgram, jit, stageProgram, typecheck } from "@lintra/core-ir";
import { linearizeFlat } from "@lintra/jvp";
import { describe, expect, it } from "vitest";
import { transpose, valueAndGrad } from "../src/index.js";
import { rng, seedOf } from "./check-grads.js";
import { gradSpecs } from "./grad-specs.js";

/**
 * `toSource()` of the derivative programs: the emitted function, evaluated with
 * `new Function`, must give exactly the numbers the program gives when lintra runs it
 * (backend-cpu), for the whole grad program, the linearized program with its residuals
 * embedded, and the transposed program, in float64 and float32.
 */

type Compiled = (...inputs: ArrayLike<number>[]) => ArrayLike<number>[];

function compile(program: Program): Compiled {
  const source = program.toSource();
  expect(source).not.toMatch(/\bimport\b|\brequire\s*\(/);
  return new Function(`return ${source}`)() as Compiled;
}

function expectSameNumbers(program: Program, args: readonly ConcreteArray[]): void {
  typecheck(program);
  const expected = evalProgram(program, args).map((o) => Array.from((o as ConcreteArray).readSync()));
  const got = compile(program)(...args.map((a) => a.readSync())).map((o) => Array.from(o));
  expect(got).toEqual(expected);
}

const as = (x: ConcreteArray, dtype: DType) => (x.dtype === dtype ? x : ConcreteArray.fromTyped(x.readSync(), x.shape, dtype));
const sumAll = (y: Tracer) => bind1("reduce_sum", [y], { axes: y.shape.map((_, i) => i) });

describe.each(["float64", "float32"] as const)("toSource round-trips every grad spec's programs in %s", (dtype) => {
  it.each(gradSpecs.map((s) => [s.name, s] as const))("%s", (name, spec) => {
    const xs = spec.inputs(rng(seedOf(name, 300))).map((x) => as(x, dtype));
    const loss = (...a: Tracer[]) => sumAll(spec.f(...a));
    const gradProgram = stageProgram(
      (...a) => {
        const [value, grads] = valueAndGrad(loss, { argnums: a.map((_, j) => j) })(...a);
        return [value, ...(grads as Tracer[])];
      },
      xs.map((x) => x.aval),
    );
    expectSameNumbers(gradProgram, xs);
    const { program: linear } = linearizeFlat((...a) => [spec.f(...a)], xs);
    expectSameNumbers(linear, xs);
    const transposed = transpose(linear);
    const ct = ConcreteArray.fromTyped(
      Array.from({ length: transposed.inAvals[0].size }, (_, k) => Math.cos(k)),
      transposed.inAvals[0].shape,
      transposed.inAvals[0].dtype,
    );
    expectSameNumbers(transposed, [ct]);
  });
});

describe("toSource of a program with jit inside", () => {
  it("emits the jit's body and gives the same numbers, gradient included", () => {
    const inner = jit((x: Tracer) => bind1("tanh", [bind1("mul", [x, x], {})], {}));
    const f = (x: Tracer) => sumAll(inner(x) as Tracer);
    const x = ConcreteArray.fromTyped([0.5, -1, 2], [3], "float64");
    const program = stageProgram((a) => valueAndGrad(f)(a) as Tracer[], [x.aval]);
    expect(program.toString()).toMatch(/jit\[name=/);
    expectSameNumbers(program, [x]);
  });
});
