import {
  type AnyTypedArray,
  type Backend,
  ConcreteArray,
  type DType,
  type Program,
  type Shape,
  ShapedArray,
  type Tracer,
  UnsupportedPrimitiveError,
  isFloat,
  shapeSize,
  stageProgram,
  treeFlatten,
  treeUnflatten,
} from "@lintra/core-ir";
import { cpuBackend } from "@lintra/backend-cpu";
import { jvp } from "@lintra/jvp";
import { grad, vjp } from "@lintra/transpose";
import type { Composite, Constant } from "./composites.js";
import { randomValues, seedOf } from "./host-data.js";
import { suspectPrimitive } from "./suspect.js";
import { withBackend } from "./run-case.js";
import { compareValues } from "./tolerance.js";

/** The three ways into the derivative that must agree across backends. */
export type Mode = "grad" | "jvp" | "vjp";
export const MODES: readonly Mode[] = ["grad", "jvp", "vjp"];

/**
 * Composites chain tens of primitives, so float32 results differ by more than one
 * primitive's tolerance; atol is relative to the largest |value| of each output.
 */
const GRADIENT_TOLERANCE = { float32: { rtol: 1e-4, atol: 1e-5 }, float64: { rtol: 1e-10, atol: 1e-12 } };

/** Host data for a run: the arguments, tangents for jvp and a cotangent for vjp, as flat leaves. */
interface HostInputs {
  readonly args: AnyTypedArray[];
  readonly tangents: AnyTypedArray[];
  readonly cotangent: (shape: Shape) => AnyTypedArray;
}

const isShape = (x: unknown): x is Shape => Array.isArray(x) && x.every((d) => typeof d === "number");

function argShapes(c: Composite): { shapes: Shape[]; def: ReturnType<typeof treeFlatten>[1] } {
  const [shapes, def] = treeFlatten<Shape>(c.args, isShape);
  return { shapes, def };
}

function hostInputs(c: Composite, mode: Mode, dtype: DType): HostInputs {
  const seed = seedOf(`${c.name} ${mode} ${dtype}`);
  const { shapes } = argShapes(c);
  return {
    args: shapes.map((s, i) => randomValues(dtype, shapeSize(s), seed + i, { float: [-1.5, 1.5] })),
    tangents: shapes.map((s, i) => randomValues(dtype, shapeSize(s), seed + 100 + i, { float: [-1, 1] })),
    cotangent: (shape) => randomValues(dtype, shapeSize(shape), seed + 200, { float: [-1, 1] }),
  };
}

/** Arrays for `backend`, or for `fallback` when `backend` does not claim their dtype. */
function uploader(backend: Backend<any>, fallback: Backend<any>): Constant {
  return (values, shape, dtype) => {
    const home = backend.dtypes.includes(dtype) ? backend : fallback;
    return ConcreteArray.fromTyped(values as number[], shape, dtype, home);
  };
}

/** Run one mode with `backend` selected; every output leaf read back. */
function evaluate(backend: Backend<any>, fallback: Backend<any>, c: Composite, mode: Mode, dtype: DType, host: HostInputs): AnyTypedArray[] {
  const upload = uploader(backend, fallback);
  const { shapes, def } = argShapes(c);
  const tree = (leaves: AnyTypedArray[]) => treeUnflatten(def, leaves.map((x, i) => upload(x as never, shapes[i], dtype))) as unknown[];
  return withBackend(backend, () => {
    const args = tree(host.args);
    let outs: unknown;
    if (mode === "grad") outs = grad(c.scalar(dtype, upload), { argnums: args.map((_, i) => i) })(...args);
    else if (mode === "jvp") outs = jvp(c.vector(dtype, upload), args, tree(host.tangents));
    else {
      const [y, fVjp] = vjp(c.vector(dtype, upload), ...args);
      outs = [y, fVjp(upload(host.cotangent((y as Tracer).shape) as never, (y as Tracer).shape, dtype))];
    }
    return treeFlatten<ConcreteArray>(outs)[0].map((x) => x.readSync());
  });
}

/** Whether `e` is the error of a gap the backend declares (no kernel, or a dtype it does not claim). */
function isDeclaredGap(backend: Backend<any>, e: unknown): boolean {
  if (!(e instanceof UnsupportedPrimitiveError)) return false;
  const kernel = Object.hasOwn(backend.kernels, e.primitive) && backend.kernels[e.primitive as keyof typeof backend.kernels];
  return !kernel || (e.dtype !== undefined && !backend.dtypes.includes(e.dtype as DType));
}

function compareLeaves(actual: AnyTypedArray[], expected: AnyTypedArray[], dtype: "float32" | "float64"): string[] {
  if (actual.length !== expected.length) return [`got ${actual.length} outputs; expected ${expected.length}`];
  const { rtol, atol } = GRADIENT_TOLERANCE[dtype];
  return expected.flatMap((e, i) => {
    const magnitude = Array.from(e).reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
    const tol = { kind: "close", rtol, atol: atol * magnitude, zeroSign: false } as const;
    return compareValues(actual[i], e, tol).map((m) => `output ${i}: ${m}`);
  });
}

/**
 * `grad`, `jvp` or `vjp` of a composite evaluated on `backend` and on the reference, compared.
 * A backend without a kernel (or dtype) the derivative needs must throw the typed
 * UnsupportedPrimitiveError for a gap it declares. Returns the mismatches.
 */
export function runGradientCheck(backend: Backend<any>, c: Composite, mode: Mode, dtype: DType, reference: Backend<any> = cpuBackend): string[] {
  if (!isFloat(dtype)) throw new Error(`runGradientCheck: ${dtype} is not a float dtype`);
  const host = hostInputs(c, mode, dtype);
  let actual: AnyTypedArray[];
  try {
    actual = evaluate(backend, reference, c, mode, dtype, host);
  } catch (e) {
    if (isDeclaredGap(backend, e)) return [];
    return [`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`];
  }
  const expected = evaluate(reference, reference, c, mode, dtype, host);
  const mismatches = compareLeaves(actual, expected, dtype as "float32" | "float64");
  if (mismatches.length === 0) return [];
  const staged = stageMode(reference, c, mode, dtype, host);
  const suspect = suspectPrimitive(staged.program, staged.args, backend, reference);
  const blame = suspect
    ? `most likely at fault: ${suspect}, the first primitive of the ${mode} program whose outputs differ given the reference's inputs`
    : "every primitive of the program agrees given the same inputs: the difference is accumulated rounding";
  return [...mismatches, blame];
}

/** The derivative of one mode as a staged program over flat inputs, and the host values of those inputs. */
function stageMode(reference: Backend<any>, c: Composite, mode: Mode, dtype: DType, host: HostInputs): { program: Program; args: AnyTypedArray[] } {
  const upload = uploader(reference, reference);
  const { shapes, def } = argShapes(c);
  const avals = shapes.map((s) => new ShapedArray(s, dtype));
  const tree = (xs: readonly Tracer[]) => treeUnflatten(def, [...xs]) as unknown[];
  const flat = (out: unknown) => treeFlatten<Tracer>(out)[0];
  const n = shapes.length;
  return withBackend(reference, () => {
    if (mode === "grad") {
      const f = c.scalar(dtype, upload);
      const program = stageProgram((...xs) => {
        const args = tree(xs);
        return flat(grad(f, { argnums: args.map((_, i) => i) })(...args));
      }, avals);
      return { program, args: host.args };
    }
    if (mode === "jvp") {
      const program = stageProgram((...xs) => flat(jvp(c.vector(dtype, upload), tree(xs.slice(0, n)), tree(xs.slice(n)))), [...avals, ...avals]);
      return { program, args: [...host.args, ...host.tangents] };
    }
    const f = c.vector(dtype, upload);
    const outAval = stageProgram((...xs) => [f(...tree(xs))], avals).outAvals[0];
    const program = stageProgram((...xs) => {
      const [y, fVjp] = vjp(f, ...tree(xs.slice(0, n)));
      return flat([y, fVjp(xs[n])]);
    }, [...avals, outAval]);
    return { program, args: [...host.args, host.cotangent(outAval.shape)] };
  });
}
