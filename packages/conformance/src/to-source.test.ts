import { ConcreteArray, type DType, type Program, type Tracer, evalProgram, setBackend, shapeSize, stageProgram, toSource, treeFlatten, treeUnflatten, typecheck } from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { jvp } from "@lintra/jvp";
import { grad } from "@lintra/transpose";
import { describe, expect, it } from "vitest";
import { type Constant, composites } from "./composites.js";
import { randomValues, seedOf } from "./host-data.js";

/**
 * `toSource()` of every composite: its program, its gradient program and its JVP program
 * print as standalone JavaScript that, run with `new Function`, gives exactly the numbers
 * lintra's reference backend gives for the same program, and so does the fused source.
 */

setBackend(cpuBackend);
const constant: Constant = (values, shape, dtype) => ConcreteArray.fromTyped(values as number[], shape, dtype);
const isShape = (x: unknown): x is readonly number[] => Array.isArray(x) && x.every((d) => typeof d === "number");

/** Also fused (`{ fuse: true }`, what backend-cpu's `compile` runs): the same numbers, bit for bit. */
function roundTrip(program: Program, args: readonly ConcreteArray[]): void {
  typecheck(program);
  const expected = evalProgram(program, args).map((o) => Array.from((o as ConcreteArray).readSync()));
  for (const source of [program.toSource(), toSource(program, { fuse: true })]) {
    expect(source).not.toMatch(/\bimport\b|\brequire\s*\(/);
    const fn = new Function(`return ${source}`)() as (...xs: ArrayLike<number>[]) => ArrayLike<number>[];
    expect(fn(...args.map((a) => a.readSync())).map((o) => Array.from(o))).toEqual(expected);
  }
}

describe.each(["float64", "float32"] as DType[])("toSource round-trips every composite in %s", (dtype) => {
  it.each(composites.map((c) => [c.name, c] as const))("%s: the function, its grad and its JVP", (name, c) => {
    const [shapes, def] = treeFlatten<readonly number[]>(c.args, isShape);
    const seed = seedOf(`to-source ${name} ${dtype}`);
    const args = shapes.map((s, i) => ConcreteArray.fromTyped(randomValues(dtype, shapeSize(s), seed + i, { float: [-1.5, 1.5] }), s, dtype));
    const avals = args.map((a) => a.aval);
    const call = (fn: (...a: any[]) => Tracer, leaves: Tracer[]) => fn(...(treeUnflatten(def, leaves) as unknown[]));
    roundTrip(stageProgram((...xs) => [call(c.vector(dtype, constant), xs)], avals), args);
    const scalar = c.scalar(dtype, constant);
    const gradProgram = stageProgram((...xs) => treeFlatten<Tracer>(grad((...a: unknown[]) => scalar(...a), { argnums: [...Array(def.kind === "array" ? def.children.length : 1).keys()] })(...(treeUnflatten(def, xs) as unknown[])))[0], avals);
    roundTrip(gradProgram, args);
    const tangents = args.map((a, i) => ConcreteArray.fromTyped(randomValues(dtype, a.size, seed + 50 + i, { float: [-1, 1] }), a.shape, dtype));
    const jvpProgram = stageProgram((...xs) => {
      const n = xs.length / 2;
      const [y, t] = jvp((...a: Tracer[]) => call(c.vector(dtype, constant), a), [...xs.slice(0, n)], [...xs.slice(n)]);
      return [y, t];
    }, [...avals, ...avals]);
    roundTrip(jvpProgram, [...args, ...tangents]);
  });
});
