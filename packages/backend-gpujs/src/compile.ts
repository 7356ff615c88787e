import {
  type Backend,
  type ConcreteArray,
  type Eqn,
  type Executable,
  type FirstOrderPrim,
  type FusedGroup,
  type HigherOrderPrim,
  Lit,
  type Program,
  type Slot,
  UnsupportedPrimitiveError,
  Var,
  bufferOn,
  getPrimitive,
  implRules,
  planFusion,
  runKernel,
  toTyped,
} from "@lintra/core-ir";
import { type FusedKernel, fusedKernels, fusibleOnGpujs } from "./fused.js";
import type { GpujsBuffer, Runtime } from "./runtime.js";

/*
 * A compiled program: fused groups as one kernel per output (fused.ts) and every other
 * equation kernel by kernel, as the interpreter runs it, in an order that respects every
 * dependence. Textures are immutable, so there is nothing to plan in place: each
 * intermediate is released at its last use, and a result that is an input, a constant or
 * a repeat is a second handle on the same texture.
 */

/** Where a run finds values, and which of them it owns (released at last use, or on an error). */
interface Frame {
  readonly values: Map<Var, GpujsBuffer>;
  readonly owned: Set<Var>;
}

/** One step of the compiled program: computes its outputs into the frame. */
type StepRun = (frame: Frame) => void;

type Step = { readonly kind: "fused"; readonly group: FusedGroup; readonly kernels: readonly FusedKernel[] } | { readonly kind: "eqn"; readonly eqn: Eqn };

/** Compile `program` for the gpujs backend. */
export function compileProgram(program: Program, backend: Backend<GpujsBuffer>, rt: () => Runtime): Executable<GpujsBuffer> {
  const unsupported = unsupportedEqn(program, backend);
  if (unsupported) {
    return () => {
      throw new UnsupportedPrimitiveError(unsupported.prim, backend.name, unsupported.dtype);
    };
  }
  const steps = planSteps(program);
  const runs = steps.map((s) => (s.kind === "fused" ? fusedStep(s.kernels, rt) : singleStep(s.eqn, backend, rt)));
  const dying = releasePoints(program, steps);
  return (inputs) => run(program, backend, rt, runs, dying, inputs);
}

/**
 * The first equation on a dtype this backend does not store: the error eager evaluation
 * raises there, before any value (a constant, a literal) is moved to the GPU, which would
 * fail on the dtype alone.
 */
function unsupportedEqn(program: Program, backend: Backend<GpujsBuffer>): { prim: string; dtype: string } | undefined {
  for (const e of program.eqns) {
    if (getPrimitive(e.prim).higherOrder) continue;
    const bad = [...e.outs, ...e.inputs].find((a) => !backend.dtypes.includes(a.aval.dtype));
    if (bad) return { prim: e.prim, dtype: bad.aval.dtype };
  }
  return undefined;
}

/** The fusion plan, with a group too wide for one shader split back into its equations. */
function planSteps(program: Program): Step[] {
  return planFusion(program, fusibleOnGpujs).flatMap((s): Step[] => {
    if (s.kind === "eqn") return [s];
    const kernels = fusedKernels(s);
    return kernels ? [{ kind: "fused", group: s, kernels }] : s.eqns.map((eqn) => ({ kind: "eqn", eqn }));
  });
}

/** Per step, the values to release after it: those it reads for the last time, and those it makes that nothing reads. */
function releasePoints(program: Program, steps: readonly Step[]): Var[][] {
  const last = new Map<Var, number>();
  steps.forEach((s, i) => {
    const eqns = s.kind === "fused" ? s.group.eqns : [s.eqn];
    for (const e of eqns) for (const a of e.inputs) if (a instanceof Var) last.set(a, i);
    const written = s.kind === "fused" ? s.kernels.map((k) => k.out) : s.eqn.outs;
    for (const v of written) if (!last.has(v)) last.set(v, i);
  });
  for (const a of program.outs) if (a instanceof Var) last.delete(a);
  const dying: Var[][] = steps.map(() => []);
  for (const [v, i] of last) dying[i].push(v);
  return dying;
}

/** A fused group: each output one kernel, or a second handle on the value it equals. */
function fusedStep(kernels: readonly FusedKernel[], rt: () => Runtime): StepRun {
  return (frame) => {
    for (const k of kernels) {
      const buffer = k.alias ? rt().share(frame.values.get(k.alias)!) : rt().run(k.spec, k.reads.map((v) => frame.values.get(v)!));
      frame.values.set(k.out, buffer);
      frame.owned.add(k.out);
    }
  };
}

/** An equation on its own, as the interpreter runs it: its kernel, or a higher-order impl rule on borrowed buffers. */
function singleStep(eqn: Eqn, backend: Backend<GpujsBuffer>, rt: () => Runtime): StepRun {
  const outAvals = eqn.outs.map((v) => v.aval);
  const higherOrder = getPrimitive(eqn.prim).higherOrder;
  return (frame) => {
    const literals: GpujsBuffer[] = [];
    const operand = (a: Eqn["inputs"][number]): GpujsBuffer => {
      if (!(a instanceof Lit)) return frame.values.get(a)!;
      const buffer = backend.fromTyped(toTyped(a.aval.dtype, [a.value]), a.aval);
      literals.push(buffer);
      return buffer;
    };
    const set = (v: Var, buffer: GpujsBuffer) => {
      frame.values.set(v, buffer);
      frame.owned.add(v);
    };
    try {
      const ins = eqn.inputs.map(operand);
      if (!higherOrder) {
        const refs = ins.map((buffer, k) => ({ buffer, aval: eqn.inputs[k].aval, backend }));
        const outs = runKernel(backend, eqn.prim as FirstOrderPrim, refs, eqn.params as never, outAvals) as GpujsBuffer[];
        eqn.outs.forEach((v, j) => set(v, outs[j]));
        return;
      }
      const slots = ins.map((buffer): Slot => ({ buffer, owned: false }));
      const outs = implRules[eqn.prim as HigherOrderPrim](backend, slots, eqn.params as never, outAvals);
      // A result that is not the rule's own (an operand passed through) gets a handle of its own: each value is owned once.
      outs.forEach((s, j) => set(eqn.outs[j], s.owned ? (s.buffer as GpujsBuffer) : rt().share(s.buffer as GpujsBuffer)));
    } finally {
      for (const b of literals) backend.release(b);
    }
  };
}

function run(
  program: Program,
  backend: Backend<GpujsBuffer>,
  rt: () => Runtime,
  steps: readonly StepRun[],
  dying: readonly Var[][],
  inputs: readonly GpujsBuffer[],
): GpujsBuffer[] {
  const frame: Frame = { values: new Map(), owned: new Set() };
  const copiedConsts: GpujsBuffer[] = [];
  const results: GpujsBuffer[] = [];
  const releaseValue = (v: Var) => {
    if (frame.owned.delete(v)) backend.release(frame.values.get(v)!);
    frame.values.delete(v);
  };
  try {
    program.constBinders.forEach((v, i) => {
      const c = program.consts[i] as ConcreteArray;
      const { buffer, copied } = bufferOn(c.backend, c.buffer, c.aval, backend);
      if (copied) copiedConsts.push(buffer as GpujsBuffer);
      frame.values.set(v, buffer as GpujsBuffer);
    });
    program.inBinders.forEach((v, i) => frame.values.set(v, inputs[i]));
    steps.forEach((step, i) => {
      step(frame);
      dying[i].forEach(releaseValue);
    });
    // Results: each owned buffer handed over once; an input, a constant or a repeat is a second handle.
    for (const a of program.outs) {
      if (a instanceof Lit) results.push(backend.fromTyped(toTyped(a.aval.dtype, [a.value]), a.aval));
      else results.push(frame.owned.delete(a) ? frame.values.get(a)! : rt().share(frame.values.get(a)!));
    }
    return results;
  } catch (e) {
    for (const r of results) backend.release(r);
    throw e;
  } finally {
    for (const v of frame.owned) backend.release(frame.values.get(v)!);
    for (const b of copiedConsts) backend.release(b);
  }
}
