/**
 * The interpreter for a whole program (what `jit` runs): kernels on plain backend buffers,
 * each intermediate released right after its last use, no array wrappers or finalizers
 * in between. A backend that can compile a program gets it whole instead.
 */
import type { Backend, Executable } from "./backend.js";
import { toTyped } from "./dtype.js";
import { ConcreteArray, runKernel } from "./eval.js";
import { implRules } from "./higher-order.js";
import { bufferOn } from "./memory.js";
import { type Atom, type Eqn, Lit, type Program, Var } from "./program.js";
import { type FirstOrderPrim, type HigherOrderPrim, getPrimitive } from "./registry.js";

/** A buffer and whether this run owns it (may release it) or borrows it. */
export interface Slot {
  readonly buffer: unknown;
  readonly owned: boolean;
}

const lastUseMaps = new WeakMap<Program, Map<Var, number>>();

/**
 * For each variable, the index of the last equation that reads it (outputs: never
 * released). Computed once per program: a loop runs its body program every step.
 */
function lastUses(program: Program): Map<Var, number> {
  let last = lastUseMaps.get(program);
  if (last) return last;
  last = new Map<Var, number>();
  for (const [i, e] of program.eqns.entries()) for (const a of e.inputs) if (a instanceof Var) last.set(a, i);
  for (const a of program.outs) if (a instanceof Var) last.set(a, Infinity);
  lastUseMaps.set(program, last);
  return last;
}

/**
 * The buffers of one run. Owned buffers carry a count of the variables holding them (a
 * sub-program may pass an input through to an output), and are released when it drops to
 * zero; borrowed ones (inputs, constants) are never released here.
 */
class Run {
  private readonly env = new Map<Var, unknown>();
  private readonly holders = new Map<unknown, number>();
  /** One buffer per literal for the whole run, however many equations read it. */
  private readonly literals = new Map<Lit, unknown>();
  constructor(private readonly backend: Backend<any>) {}

  read(a: Atom): Slot {
    if (a instanceof Lit) {
      let buffer = this.literals.get(a);
      if (buffer === undefined) this.literals.set(a, (buffer = this.backend.fromTyped(toTyped(a.aval.dtype, [a.value]), a.aval)));
      return { buffer, owned: false };
    }
    const buffer = this.env.get(a);
    return { buffer, owned: this.holders.has(buffer) };
  }

  /** Bind `v`; an owned slot, or a borrowed one aliasing a buffer this run owns, adds a holder. */
  set(v: Var, slot: Slot): void {
    this.env.set(v, slot.buffer);
    const n = this.holders.get(slot.buffer);
    if (slot.owned || n !== undefined) this.holders.set(slot.buffer, (n ?? 0) + 1);
  }

  release(v: Var): void {
    const buffer = this.env.get(v);
    this.env.delete(v);
    const n = this.holders.get(buffer);
    if (n === undefined) return;
    if (n > 1) this.holders.set(buffer, n - 1);
    else {
      this.holders.delete(buffer);
      this.backend.release(buffer);
    }
  }

  /** Hand the buffers of `results` to the caller: they leave this run's care. */
  handOver(results: readonly Var[]): Slot[] {
    const slots: Slot[] = [];
    for (const v of results) {
      const buffer = this.env.get(v);
      const owned = this.holders.delete(buffer) || this.takeLiteral(buffer);
      slots.push({ buffer, owned });
    }
    return slots;
  }

  /** A literal's buffer passed through to an output (by a sub-program) leaves with it. */
  private takeLiteral(buffer: unknown): boolean {
    for (const [lit, b] of this.literals) {
      if (b === buffer) return this.literals.delete(lit);
    }
    return false;
  }

  /** Give back everything this run still owns, and its literals. */
  releaseAll(): void {
    for (const b of this.holders.keys()) this.backend.release(b);
    this.holders.clear();
    for (const b of this.literals.values()) this.backend.release(b);
    this.literals.clear();
  }
}

function runEqn(run: Run, backend: Backend<any>, eqn: Eqn): Slot[] {
  const ins = eqn.inputs.map((a) => run.read(a));
  const avals = eqn.inputs.map((a) => a.aval);
  const outAvals = eqn.outs.map((v) => v.aval);
  if (!getPrimitive(eqn.prim).higherOrder) {
    const refs = ins.map((s, i) => ({ buffer: s.buffer, aval: avals[i], backend }));
    return runKernel(backend, eqn.prim as FirstOrderPrim, refs, eqn.params as never, outAvals).map((buffer) => ({ buffer, owned: true }));
  }
  // A higher-order equation: its impl rule, on borrowed buffers.
  return implRules[eqn.prim as HigherOrderPrim](backend, borrow(ins), eqn.params as never, outAvals);
}

// ---------------------------------------------------------------------------------------
// Borrowing slots, and holding the buffers a loop (scan, while) owns.

/** Buffers one loop owns: given back when no longer held, all of them on an error. */
export class Owned {
  private readonly held = new Set<unknown>();
  constructor(private readonly backend: Backend<any>) {}
  adopt(slots: readonly Slot[]): void {
    for (const s of slots) if (s.owned) this.held.add(s.buffer);
  }
  /** Release the owned buffers among `slots` that are not in `keep`. */
  drop(slots: readonly Slot[], keep: ReadonlySet<unknown>): void {
    for (const s of slots) if (!keep.has(s.buffer) && this.held.delete(s.buffer)) this.backend.release(s.buffer);
  }
  /** Hand `slots` to the caller: owned where this loop owned them (once per buffer). */
  handOver(slots: readonly Slot[]): Slot[] {
    return slots.map((s) => ({ buffer: s.buffer, owned: this.held.delete(s.buffer) }));
  }
  releaseAll(): void {
    for (const b of this.held) this.backend.release(b);
    this.held.clear();
  }
}

export const borrow = (slots: readonly Slot[]): Slot[] => slots.map((s) => ({ buffer: s.buffer, owned: false }));

/** Run `program` on slots (borrowed inputs are never released); result slots are the caller's where `owned`. */
export function runSlots(program: Program, backend: Backend<any>, inputs: readonly Slot[]): Slot[] {
  const run = new Run(backend);
  const last = lastUses(program);
  program.constBinders.forEach((v, i) => {
    const c = program.consts[i] as ConcreteArray;
    const { buffer, copied } = bufferOn(c.backend, c.buffer, c.aval, backend);
    run.set(v, { buffer, owned: copied });
  });
  program.inBinders.forEach((v, i) => run.set(v, inputs[i]));
  try {
    program.eqns.forEach((eqn, i) => {
      const outs = runEqn(run, backend, eqn);
      eqn.outs.forEach((v, j) => run.set(v, outs[j]));
      for (const v of eqn.outs) if (!last.has(v)) run.release(v);
      for (const a of eqn.inputs) if (a instanceof Var && last.get(a) === i) run.release(a);
    });
  } catch (e) {
    run.releaseAll();
    throw e;
  }
  // Literal outputs get buffers of their own; a variable output twice is owned once.
  const results = program.outs.map((a) => (a instanceof Var ? a : new Var(a.aval)));
  program.outs.forEach((a, i) => {
    if (a instanceof Lit) run.set(results[i], { buffer: backend.fromTyped(toTyped(a.aval.dtype, [a.value]), a.aval), owned: true });
  });
  const slots = run.handOver(results);
  run.releaseAll();
  return slots;
}

const executables = new WeakMap<Program, Map<Backend<any>, Executable<unknown>>>();

function compiled(backend: Backend<any>, program: Program): Executable<unknown> | undefined {
  if (!backend.compile) return undefined;
  let perBackend = executables.get(program);
  if (!perBackend) executables.set(program, (perBackend = new Map()));
  let exe = perBackend.get(backend);
  if (!exe) perBackend.set(backend, (exe = backend.compile(program) as Executable<unknown>));
  return exe;
}

/**
 * Run a closed program on buffers: compiled by the backend where it can, else equation by
 * equation. What `jit` does when it is evaluated. Owned input slots (donated buffers) are
 * the run's: released at their last use, or handed back as outputs.
 */
export function runClosed(program: Program, backend: Backend<any>, inputs: readonly Slot[]): Slot[] {
  const exe = compiled(backend, program);
  if (!exe) return runSlots(program, backend, inputs);
  try {
    return exe(inputs.map((s) => s.buffer)).map((buffer) => ({ buffer, owned: true }));
  } finally {
    // Owned inputs (donated buffers) are this run's to give back; an executable's outputs are fresh.
    for (const b of new Set(inputs.filter((s) => s.owned).map((s) => s.buffer))) backend.release(b);
  }
}
