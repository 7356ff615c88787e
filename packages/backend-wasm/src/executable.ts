import {
  type Backend,
  type ConcreteArray,
  type Eqn,
  type Executable,
  type FirstOrderPrim,
  type HigherOrderPrim,
  Lit,
  type Program,
  type SingleStep,
  type Slot,
  type Step,
  UnsupportedPrimitiveError,
  Var,
  bufferOn,
  dce,
  getPrimitive,
  implRules,
  planArena,
  planFusion,
  toTyped,
} from "@lintra/core-ir";
import { type FusedLoop, buildFused, describeGroup, flatPart, fusibleOnWasm, isFlat } from "./fused.js";
import { dotGeneral, takesEpilogue } from "./dot-general.js";
import { describeEpilogue } from "./gemm-epilogue.js";
import { FLAT_ALIGN, FLAT_MIN_PER_THREAD, type IntoKernel } from "./kernel.js";
import { splitRange } from "./thread-pool.js";
import { wasmKernels } from "./kernel-table.js";
import { BYTES, type WasmBuffer } from "./memory.js";
import { allocFor, runtime } from "./runtime.js";

/*
 * A compiled program: fused groups and single kernels in an order that respects every
 * dependence, intermediates at offsets in one arena planned from liveness (a value may take
 * the place of an operand that dies where it is computed), outputs written straight into
 * the buffers handed back. What cannot go to the arena (a higher-order equation's results,
 * a kernel that allocates its own output) lives in buffers released at their last use.
 * A fused group that finishes a 2-D product runs inside the product's GEMM, as its epilogue.
 */

/** Where a run finds values: buffers by value id, and which of them the run must give back. */
interface Frame {
  readonly values: (WasmBuffer | undefined)[];
  /** Value ids whose buffers this run owns (released at last use, or on an error). */
  readonly owned: Set<number>;
  arena: WasmBuffer | null;
}

/** One step of the compiled program: computes its outputs into the frame. */
type StepRun = (frame: Frame) => void;

interface Plan {
  readonly ids: Map<Var, number>;
  readonly steps: StepRun[];
  /** Per step, the value ids whose last reader it is. */
  readonly dying: number[][];
  /** Arena offset per value id (values placed in the arena). */
  readonly offsets: Map<number, number>;
  readonly arenaBytes: number;
  readonly returned: Set<number>;
}

const bytesOf = (v: Var) => v.aval.size * BYTES[v.aval.dtype];

/** The steps a program runs as on this backend: fused loops, products with their epilogues, single kernels. */
export const planSteps = (program: Program): Step[] => planFusion(program, fusibleOnWasm, { epilogue: takesEpilogue });

/** The equations a step runs, and the values it writes (a product with an epilogue writes the epilogue's). */
const stepEqns = (s: Step) => (s.kind === "fused" ? s.eqns : [s.eqn, ...(s.epilogue?.eqns ?? [])]);
const stepWrites = (s: Step) => (s.kind === "fused" ? s.outputs : (s.epilogue?.outputs ?? s.eqn.outs));

/** Compile `program` for the wasm backend. */
export function compileProgram(program: Program, backend: Backend<WasmBuffer>): Executable<WasmBuffer> {
  const live = dce(program); // what no output needs is never computed
  const plan = planProgram(live, backend);
  return (inputs) => run(live, plan, backend, inputs);
}

function planProgram(program: Program, backend: Backend<WasmBuffer>): Plan {
  const ids = new Map<Var, number>();
  const id = (v: Var) => ids.get(v) ?? (ids.set(v, ids.size), ids.size - 1);
  program.constBinders.forEach(id);
  program.inBinders.forEach(id);
  const fusion = planSteps(program);
  const returned = new Set(program.outs.filter((a): a is Var => a instanceof Var).map(id));

  // Liveness: the step that writes each value and the last that reads it.
  const def = new Map<number, number>();
  const lastUse = new Map<number, number>();
  fusion.forEach((s, i) => {
    const written = stepWrites(s);
    for (const e of stepEqns(s)) for (const a of e.inputs) if (a instanceof Var && ids.has(a)) lastUse.set(ids.get(a)!, i);
    for (const v of written) def.set(id(v), i);
    if (s.kind === "eqn") for (const v of written) if (!lastUse.has(id(v))) lastUse.set(id(v), i);
  });
  for (const v of returned) lastUse.set(v, Infinity);

  // The arena: outputs of steps that write where they are told, except the program's results.
  const placed: { id: number; bytes: number; def: number; lastUse: number; inPlaceOf: number[] }[] = [];
  const steps: StepRun[] = fusion.map((s, i) => {
    if (s.kind === "fused") {
      const loop = describeGroup(s);
      const kernel = runtime().kernels.get(loop.key, (m) => buildFused(m, loop));
      const outIds = s.outputs.map(id);
      const readIds = loop.accesses.map((a) => id(a.atom));
      for (const [j, v] of s.outputs.entries()) {
        // In place of an operand read element by element at the same index, same width, that dies here.
        const sameShape = v.aval.size === s.shape.reduce((a, b) => a * b, 1);
        const inPlaceOf = !sameShape ? [] : loop.accesses
          .filter((a) => a.strides.every((st, d) => st === contiguousStride(loop.shape, d)) && BYTES[a.dtype] === BYTES[v.aval.dtype])
          .filter((a) => loop.accesses.every((b) => b.atom !== a.atom || b === a))
          .map((a) => id(a.atom));
        placed.push({ id: outIds[j], bytes: bytesOf(v), def: i, lastUse: lastUse.get(outIds[j]) ?? i, inPlaceOf });
      }
      // Decided once: whether the loop may run in parts on the threads, and whether it writes anything.
      const split = isFlat(loop) && s.outputs[0].aval.size >= 2 * FLAT_MIN_PER_THREAD;
      const writes = s.outputs.some((v) => v.aval.size > 0);
      return (frame) => {
        const outs = outIds.map((o, j) => target(frame, o, s.outputs[j], plan));
        const ptrs = [...outs.map((b) => b.ptr), ...readIds.map((r) => frame.values[r]!.ptr)];
        if (split) runSplit(loop, ptrs);
        else if (writes) kernel(...ptrs);
      };
    }
    if (s.epilogue) {
      // Never in place of an operand: the GEMM writes C there before the epilogue reads the operands.
      return productStep(s, id, (v) => placed.push({ id: id(v), bytes: bytesOf(v), def: i, lastUse: lastUse.get(id(v)) ?? i, inPlaceOf: [] }), () => plan);
    }
    return singleStep(s.eqn, backend, id, (v) => {
      if (!getPrimitive(s.eqn.prim).higherOrder) placed.push({ id: id(v), bytes: bytesOf(v), def: i, lastUse: lastUse.get(id(v)) ?? i, inPlaceOf: [] });
    }, () => plan);
  });

  const arenaValues = placed.filter((p) => !returned.has(p.id));
  const index = new Map(arenaValues.map((p, k) => [p.id, k]));
  const arena = planArena(
    arenaValues.map((p) => ({
      bytes: p.bytes,
      def: p.def,
      lastUse: p.lastUse,
      inPlaceOf: p.inPlaceOf.filter((r) => index.has(r) && lastUse.get(r) === p.def).map((r) => index.get(r)!),
    })),
  );
  const dying: number[][] = fusion.map(() => []);
  for (const [v, last] of lastUse) if (last !== Infinity && !index.has(v)) dying[last].push(v);
  const plan: Plan = {
    ids,
    steps,
    dying,
    offsets: new Map(arenaValues.map((p, k) => [p.id, arena.offsets[k]])),
    arenaBytes: arena.size,
    returned,
  };
  return plan;
}

/**
 * A flat loop, in parts on the worker threads where it is large: each part the same loop
 * over fewer elements, starting at a multiple of FLAT_ALIGN (so every element runs the same
 * code, and gives the same bits, for any thread count).
 */
function runSplit(loop: FusedLoop, ptrs: readonly number[]): void {
  const { threads, kernels } = runtime();
  const size = loop.shape.reduce((a, b) => a * b, 1);
  const ranges = splitRange(threads, size, FLAT_MIN_PER_THREAD, FLAT_ALIGN);
  const bytes = [...loop.outDTypes.map((d) => BYTES[d]), ...loop.accesses.map((a) => BYTES[a.dtype])];
  threads.run(
    ranges.map(([start, end]) => {
      const part = flatPart(loop, end - start);
      return { fn: kernels.get(part.key, (m) => buildFused(m, part)), args: ptrs.map((p, j) => p + start * bytes[j]) };
    }),
  );
}

const contiguousStride = (shape: readonly number[], d: number) => shape.slice(d + 1).reduce((a, b) => a * b, 1);

/** The buffer a step writes value `v` into: its arena place, or a fresh buffer (a result). */
function target(frame: Frame, vid: number, v: Var, plan: Plan): WasmBuffer {
  const offset = plan.offsets.get(vid);
  const buf = offset !== undefined ? { ptr: frame.arena!.ptr + offset, bytes: bytesOf(v) } : allocFor(v.aval);
  if (offset === undefined) frame.owned.add(vid);
  frame.values[vid] = buf;
  return buf;
}

/** An equation on its own: a kernel writing into its place, or a higher-order impl rule. */
function singleStep(eqn: Eqn, backend: Backend<WasmBuffer>, id: (v: Var) => number, place: (v: Var) => void, plan: () => Plan): StepRun {
  const outIds = eqn.outs.map(id);
  const avals = eqn.inputs.map((a) => a.aval);
  const outAvals = eqn.outs.map((v) => v.aval);
  const readers = eqn.inputs.map((a) => readerOf(a, id));
  if (getPrimitive(eqn.prim).higherOrder) {
    const rule = implRules[eqn.prim as HigherOrderPrim];
    return (frame) => {
      const temps: WasmBuffer[] = [];
      const slots = readers.map((r) => ({ buffer: r(frame, temps), owned: false }));
      try {
        const outs: Slot[] = rule(backend, slots, eqn.params as never, outAvals);
        outs.forEach((s, j) => {
          // A result that is not the rule's own (an operand passed through) is copied: values are owned once.
          frame.values[outIds[j]] = s.owned ? (s.buffer as WasmBuffer) : copyOf(s.buffer as WasmBuffer, outAvals[j].size * BYTES[outAvals[j].dtype]);
          frame.owned.add(outIds[j]);
        });
      } finally {
        for (const t of temps) runtime().mem.release(t);
      }
    };
  }
  const kernel = wasmKernels[eqn.prim as FirstOrderPrim] as IntoKernel | undefined;
  if (!kernel) throw new UnsupportedPrimitiveError(eqn.prim, "wasm");
  place(eqn.outs[0]);
  return (frame) => {
    const temps: WasmBuffer[] = [];
    try {
      const ins = readers.map((r) => r(frame, temps));
      const into = target(frame, outIds[0], eqn.outs[0], plan());
      const made = kernel(ins, avals, eqn.params as never, outAvals[0], into);
      if (made !== into) {
        // The kernel allocated its own output: use it, give back the place it was offered.
        if (frame.owned.delete(outIds[0])) runtime().mem.release(into);
        frame.values[outIds[0]] = made;
        frame.owned.add(outIds[0]);
      }
    } finally {
      for (const t of temps) runtime().mem.release(t);
    }
  };
}

/** A dot_general and the group that finishes its output, one GEMM kernel writing the group's output. */
function productStep(s: SingleStep, id: (v: Var) => number, place: (v: Var) => void, plan: () => Plan): StepRun {
  const { eqn } = s;
  const group = s.epilogue!;
  const epilogue = describeEpilogue(group, eqn.outs[0]);
  const [out] = group.outputs;
  const outId = id(out);
  const avals = eqn.inputs.map((a) => a.aval);
  const readers = eqn.inputs.map((a) => readerOf(a, id));
  const operandIds = epilogue.operands.map((k) => id(epilogue.loop.accesses[k].atom));
  place(out);
  return (frame) => {
    const temps: WasmBuffer[] = [];
    try {
      const ins = readers.map((r) => r(frame, temps));
      const into = target(frame, outId, out, plan());
      const operands = operandIds.map((o) => frame.values[o]!.ptr);
      dotGeneral(ins, avals, eqn.params as never, eqn.outs[0].aval, into, { epilogue, operands });
    } finally {
      for (const t of temps) runtime().mem.release(t);
    }
  };
}

type Reader = (frame: Frame, temps: WasmBuffer[]) => WasmBuffer;

const readerOf = (a: Lit | Var, id: (v: Var) => number): Reader => {
  if (a instanceof Lit) return literalReader(a);
  const vid = id(a);
  return (frame) => frame.values[vid]!;
};

/** A literal operand of a kernel: a one-element buffer for the call. */
function literalReader(lit: Lit): Reader {
  const data = toTyped(lit.aval.dtype, [lit.value]);
  return (_frame, temps) => {
    const buf = allocFor(lit.aval);
    runtime().mem.view(buf, lit.aval.dtype, 1).set(data);
    temps.push(buf);
    return buf;
  };
}

function copyOf(src: WasmBuffer, bytes: number): WasmBuffer {
  const { mem } = runtime();
  const dst = mem.alloc(bytes);
  new Uint8Array(mem.memory.buffer).copyWithin(dst.ptr, src.ptr, src.ptr + bytes);
  return dst;
}

function run(program: Program, plan: Plan, backend: Backend<WasmBuffer>, inputs: readonly WasmBuffer[]): WasmBuffer[] {
  const { mem } = runtime();
  const frame: Frame = { values: new Array(plan.ids.size), owned: new Set(), arena: null };
  const copiedConsts: WasmBuffer[] = [];
  const results: WasmBuffer[] = [];
  try {
    program.constBinders.forEach((v, i) => {
      const c = program.consts[i] as ConcreteArray;
      const { buffer, copied } = bufferOn(c.backend, c.buffer, c.aval, backend);
      if (copied) copiedConsts.push(buffer as WasmBuffer);
      frame.values[plan.ids.get(v)!] = buffer as WasmBuffer;
    });
    program.inBinders.forEach((v, i) => (frame.values[plan.ids.get(v)!] = inputs[i]));
    if (plan.arenaBytes > 0) frame.arena = mem.alloc(plan.arenaBytes);
    plan.steps.forEach((step, i) => {
      step(frame);
      for (const v of plan.dying[i]) if (frame.owned.delete(v)) mem.release(frame.values[v]!);
    });
    // Results: each returned buffer once; an input, a constant or a repeat is copied.
    for (const a of program.outs) {
      if (a instanceof Lit) {
        results.push(backend.fromTyped(toTyped(a.aval.dtype, [a.value]), a.aval));
        continue;
      }
      const vid = plan.ids.get(a)!;
      const buf = frame.values[vid]!;
      results.push(frame.owned.delete(vid) ? buf : copyOf(buf, bytesOf(a)));
    }
    return results;
  } catch (e) {
    for (const r of results) mem.release(r);
    throw e;
  } finally {
    for (const v of frame.owned) mem.release(frame.values[v]!);
    for (const b of copiedConsts) mem.release(b);
    if (frame.arena) mem.release(frame.arena);
  }
}
