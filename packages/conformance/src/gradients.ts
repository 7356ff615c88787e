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
  jit,
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

/** The function's value, and the three ways into its derivative, that must agree across backends. */
export type Mode = "value" | "grad" | "jvp" | "vjp";
export const MODES: readonly Mode[] = ["value", "grad", "jvp", "vjp"];

/**
 * Where `jit` goes: nowhere (`eager`); around the whole computation, so the backend runs the
 * staged derivative as one program (`jit(grad(f))`); or around the composite, so the
 * derivative is built by the jit equation's own JVP, partial-evaluation and transpose
 * rules and runs as programs of its own (`grad(jit(f))`).
 */
export type Placement = "eager" | "jit outside" | "jit inside";

/** The placements under jit that differ for `mode` (for the value, inside is outside). */
export const jitPlacements = (mode: Mode): Placement[] => (mode === "value" ? ["jit outside"] : ["jit outside", "jit inside"]);

/** `jit(grad)`, `grad(jit)`, `grad`: how a test title names a mode under a placement. */
export function placementTitle(mode: Mode, placement: Placement): string {
  if (placement === "eager") return mode;
  if (mode === "value") return "jit";
  return placement === "jit outside" ? `jit(${mode})` : `${mode}(jit)`;
}

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

type Fn = (...args: any[]) => any;

/**
 * `mode` of the composite as one function of its arguments and the mode's extra input
 * (the tangents for jvp, the cotangent for vjp, nothing otherwise); `inner` wraps the
 * composite itself.
 */
function modeOf(c: Composite, mode: Mode, dtype: DType, upload: Constant, inner: (f: Fn) => Fn): (args: unknown[], extra: unknown) => unknown {
  if (mode === "grad") {
    const f = inner(c.scalar(dtype, upload));
    return (args) => grad(f, { argnums: args.map((_, i) => i) })(...args);
  }
  const f = inner(c.vector(dtype, upload));
  if (mode === "value") return (args) => f(...args);
  if (mode === "jvp") return (args, tangents) => jvp(f, args, tangents as unknown[]);
  return (args, ct) => {
    const [y, fVjp] = vjp(f, ...args);
    return [y, fVjp(ct)];
  };
}

/** The shape of the composite's vector output, from its staged program. */
function outputShape(c: Composite, dtype: DType, upload: Constant): Shape {
  const { shapes, def } = argShapes(c);
  const f = c.vector(dtype, upload);
  const program = stageProgram((...xs) => [f(...(treeUnflatten(def, xs) as unknown[]))], shapes.map((s) => new ShapedArray(s, dtype)));
  return program.outAvals[0].shape;
}

/** Run one mode with `backend` selected, jit placed as `placement`; every output leaf read back. */
function evaluate(backend: Backend<any>, fallback: Backend<any>, c: Composite, mode: Mode, dtype: DType, host: HostInputs, placement: Placement = "eager"): AnyTypedArray[] {
  const upload = uploader(backend, fallback);
  const { shapes, def } = argShapes(c);
  const tree = (leaves: AnyTypedArray[]) => treeUnflatten(def, leaves.map((x, i) => upload(x as never, shapes[i], dtype))) as unknown[];
  return withBackend(backend, () => {
    const args = tree(host.args);
    let extra: unknown = [];
    if (mode === "jvp") extra = tree(host.tangents);
    if (mode === "vjp") {
      const shape = outputShape(c, dtype, upload);
      extra = upload(host.cotangent(shape) as never, shape, dtype);
    }
    const run = modeOf(c, mode, dtype, upload, placement === "jit inside" ? jit : (f) => f);
    const outs = placement === "jit outside" ? jit(run)(args, extra) : run(args, extra);
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
 * The value, `grad`, `jvp` or `vjp` of a composite evaluated on `backend` (jit placed as
 * `placement`) and eagerly on the reference, compared. A backend without a kernel (or
 * dtype) the computation needs must throw the typed UnsupportedPrimitiveError for a gap it
 * declares. Returns the mismatches, and on a mismatch the primitive most likely at fault.
 */
export function runGradientCheck(backend: Backend<any>, c: Composite, mode: Mode, dtype: DType, reference: Backend<any> = cpuBackend, placement: Placement = "eager"): string[] {
  if (!isFloat(dtype)) throw new Error(`runGradientCheck: ${dtype} is not a float dtype`);
  const host = hostInputs(c, mode, dtype);
  let actual: AnyTypedArray[];
  try {
    actual = evaluate(backend, reference, c, mode, dtype, host, placement);
  } catch (e) {
    if (isDeclaredGap(backend, e)) return [];
    return [`threw ${describeError(e)}`];
  }
  const expected = evaluate(reference, reference, c, mode, dtype, host);
  const mismatches = compareLeaves(actual, expected, dtype as "float32" | "float64");
  if (mismatches.length === 0) return [];
  return [...mismatches, placement === "eager" ? blame(backend, reference, c, mode, dtype, host) : blameJit(backend, reference, c, mode, dtype, host)];
}

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

function blame(backend: Backend<any>, reference: Backend<any>, c: Composite, mode: Mode, dtype: DType, host: HostInputs): string {
  const staged = stageMode(reference, c, mode, dtype, host);
  const suspect = suspectPrimitive(staged.program, staged.args, backend, reference);
  return suspect
    ? `most likely at fault: ${suspect}, the first primitive of the ${mode} program whose outputs differ given the reference's inputs`
    : "every primitive of the program agrees given the same inputs: the difference is accumulated rounding";
}

/** Under jit: whether the same computation run eagerly on `backend` agrees, i.e. whether running it as a program is at fault. */
function blameJit(backend: Backend<any>, reference: Backend<any>, c: Composite, mode: Mode, dtype: DType, host: HostInputs): string {
  let eager: AnyTypedArray[];
  try {
    eager = evaluate(backend, reference, c, mode, dtype, host);
  } catch (e) {
    return `eagerly on ${backend.name} it threw ${describeError(e)}`;
  }
  const expected = evaluate(reference, reference, c, mode, dtype, host);
  if (compareLeaves(eager, expected, dtype as "float32" | "float64").length > 0) return `eagerly on ${backend.name} it differs too; ${blame(backend, reference, c, mode, dtype, host)}`;
  return `eagerly on ${backend.name} it agrees: running it under jit is at fault`;
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
    if (mode === "value") {
      const f = c.vector(dtype, upload);
      return { program: stageProgram((...xs) => flat(f(...tree(xs))), avals), args: host.args };
    }
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
