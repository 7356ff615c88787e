/**
 * Fusion planning for compiling backends: which equations of a program run together as one
 * loop over their common output shape. Backend-agnostic; a backend says which equations its
 * loop generator handles and writes the loops.
 *
 * A fused group is a set of equations whose outputs all have one shape: elementwise
 * primitives whose operands have that shape, plus `broadcast_in_dim`s of values from
 * outside the group (read in place with zero strides, never materialized), and at most one
 * reduction of a member's value as its last member (where the backend fuses it: the values
 * are folded as they are computed). The group runs where its last member stood; a value
 * computed inside it is written to memory only if something outside the group (or the
 * program's result) reads it.
 *
 * A backend may also take a group as the epilogue of a `dot_general` (see `attachEpilogues`):
 * the group then runs inside the product's kernel, on each block of the product as it is
 * finished, and the product itself is never stored apart from the group's output.
 */
import { type Atom, type Eqn, type Program, Var } from "./program.js";
import { getPrimitive } from "./registry.js";

/** Equations fused into one loop over `shape`. */
export interface FusedGroup {
  readonly kind: "fused";
  /** The loop's shape: every member's output shape, the reduction's operand shape. */
  readonly shape: readonly number[];
  /** A reduction folding a member's value, the group's last member, if it has one. */
  readonly reduction?: Eqn;
  /** Members in program order. */
  readonly eqns: readonly Eqn[];
  /** Values from outside the group the members read (each once; literals included). */
  readonly inputs: readonly Atom[];
  /** Members' outputs read outside the group or returned by the program, in program order. */
  readonly outputs: readonly Var[];
}

/** One equation run on its own. */
export interface SingleStep {
  readonly kind: "eqn";
  readonly eqn: Eqn;
  /**
   * A group applied to this `dot_general`'s output inside its kernel: it reads the product
   * at the loop index, and the step writes the group's outputs instead of the product.
   */
  readonly epilogue?: FusedGroup;
}

export type Step = FusedGroup | SingleStep;

/** Whether a backend's loop generator can take this equation into a fused group. */
export type Fusible = (eqn: Eqn) => boolean;

/** Whether a backend's product kernel can apply `group` to this `dot_general`'s output as it computes it. */
export type EpilogueTaker = (dot: Eqn, group: FusedGroup) => boolean;

export interface FusionOptions {
  /** Products that take an elementwise group as an epilogue (default: none). */
  readonly epilogue?: EpilogueTaker;
}

/** Reductions a group may end with (where the backend's `fusible` accepts them). */
export const FOLDS = new Set(["reduce_sum", "reduce_max", "reduce_min"]);

/** Elementwise primitives with operands and broadcasts of values: what a loop over the output computes. */
export const fusibleByDefault: Fusible = (eqn) =>
  eqn.prim === "broadcast_in_dim" || (getPrimitive(eqn.prim).family === "elementwise" && eqn.inputs.length > 0);

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

interface Open {
  shape: readonly number[];
  eqns: Eqn[];
  reduction?: Eqn;
  /** Creation order: groups that close together are emitted oldest first. */
  readonly order: number;
}

/**
 * Split `program`'s equations into steps, in an order that respects every data dependence.
 * A group stays open while nothing outside it has read its values; the first outside
 * reader closes it (emits it just before itself). An equation reading several open groups
 * of its shape merges them.
 */
export function planFusion(program: Program, fusible: Fusible = fusibleByDefault, options: FusionOptions = {}): Step[] {
  const steps: (SingleStep | Open)[] = [];
  const producer = new Map<Var, Open>(); // producing group of a value, while that group is open
  const open = new Set<Open>();
  let created = 0;

  const close = (g: Open) => {
    if (!open.delete(g)) return;
    for (const e of g.eqns) for (const v of e.outs) producer.delete(v);
    steps.push(g);
  };
  const openGroupsRead = (eqn: Eqn) => {
    const found = new Set<Open>();
    for (const a of eqn.inputs) {
      const g = a instanceof Var ? producer.get(a) : undefined;
      if (g) found.add(g);
    }
    return found;
  };

  for (const eqn of program.eqns) {
    const read = openGroupsRead(eqn);
    const folded = FOLDS.has(eqn.prim) && fusible(eqn) ? foldInto(eqn, producer) : undefined;
    if (folded) {
      folded.eqns.push(eqn);
      folded.reduction = eqn;
      close(folded);
      continue;
    }
    if (!fusible(eqn) || FOLDS.has(eqn.prim)) {
      [...read].sort((a, b) => a.order - b.order).forEach(close);
      steps.push({ kind: "eqn", eqn });
      continue;
    }
    const shape = eqn.outs[0].aval.shape;
    // A broadcast reads its operand at other indices: that operand must already be in memory.
    const joinable = eqn.prim === "broadcast_in_dim" ? [] : [...read].filter((g) => sameShape(g.shape, shape));
    [...read].filter((g) => !joinable.includes(g)).sort((a, b) => a.order - b.order).forEach(close);
    const group = merge(joinable, producer, open) ?? newGroup(shape, created++, open);
    group.eqns.push(eqn);
    for (const v of eqn.outs) producer.set(v, group);
  }
  [...open].sort((a, b) => a.order - b.order).forEach(close);
  const planned = finish(program, steps);
  return options.epilogue ? attachEpilogues(program, planned, options.epilogue) : planned;
}

/** The open group a reduction can end: the one computing its operand at the loop's shape. */
function foldInto(eqn: Eqn, producer: ReadonlyMap<Var, Open>): Open | undefined {
  const [x] = eqn.inputs;
  const g = x instanceof Var ? producer.get(x) : undefined;
  return g && sameShape(g.shape, x.aval.shape) ? g : undefined;
}

function newGroup(shape: readonly number[], order: number, open: Set<Open>): Open {
  const g: Open = { shape, eqns: [], order };
  open.add(g);
  return g;
}

/** Merge open groups into the oldest one (their members keep program order). */
function merge(groups: Open[], producer: Map<Var, Open>, open: Set<Open>): Open | undefined {
  if (groups.length === 0) return undefined;
  const [into, ...rest] = [...groups].sort((a, b) => a.order - b.order);
  for (const g of rest) {
    into.eqns.push(...g.eqns);
    for (const e of g.eqns) for (const v of e.outs) producer.set(v, into);
    open.delete(g);
  }
  return into;
}

/** Fill in each group's inputs and outputs once every reader of every value is known. */
function finish(program: Program, steps: readonly (SingleStep | Open)[]): Step[] {
  const order = new Map<Eqn, number>();
  program.eqns.forEach((e, i) => order.set(e, i));
  const readers = new Map<Var, Set<Eqn>>();
  for (const e of program.eqns) for (const a of e.inputs) if (a instanceof Var) (readers.get(a) ?? readers.set(a, new Set()).get(a)!).add(e);
  const returned = new Set(program.outs.filter((a): a is Var => a instanceof Var));

  return steps.map((s): Step => {
    if ("kind" in s) return s;
    const eqns = [...s.eqns].sort((a, b) => order.get(a)! - order.get(b)!);
    const members = new Set(eqns);
    const made = new Set(eqns.flatMap((e) => e.outs));
    const inputs: Atom[] = [];
    const seen = new Set<Atom>();
    for (const e of eqns) {
      for (const a of e.inputs) {
        if (a instanceof Var && made.has(a)) continue;
        if (!seen.has(a)) inputs.push(a), seen.add(a);
      }
    }
    const outputs = eqns.flatMap((e) => e.outs).filter((v) => returned.has(v) || [...(readers.get(v) ?? [])].some((r) => !members.has(r)));
    return { kind: "fused", shape: s.shape, eqns, inputs, outputs, ...(s.reduction ? { reduction: s.reduction } : {}) };
  });
}

/**
 * Move groups into the `dot_general` steps whose output they finish. A group G becomes the
 * epilogue of product D when: G has no reduction and D's output shape; nothing but G's
 * elementwise members reads D's output (no other equation, no broadcast, not the program's
 * result), so the product never needs to exist on its own; every other value G reads is
 * ready where D runs (the program's inputs, literals, or made by an earlier step); and the
 * backend takes the pair. G then runs at D's place, and its own step goes.
 */
function attachEpilogues(program: Program, steps: readonly Step[], takes: EpilogueTaker): Step[] {
  const readers = new Map<Var, Eqn[]>();
  for (const e of program.eqns) for (const a of e.inputs) if (a instanceof Var) (readers.get(a) ?? readers.set(a, []).get(a)!).push(e);
  const returned = new Set(program.outs.filter((a): a is Var => a instanceof Var));
  const madeAt = new Map<Var, number>(); // the step that writes each value
  steps.forEach((s, i) => (s.kind === "fused" ? s.outputs : s.eqn.outs).forEach((v) => madeAt.set(v, i)));

  const out: (Step | null)[] = [...steps];
  for (const [gi, g] of steps.entries()) {
    if (g.kind !== "fused" || g.reduction) continue;
    const members = new Set(g.eqns);
    const ready = (a: Atom, at: number) => !(a instanceof Var) || (madeAt.get(a) ?? -1) < at;
    for (const d of g.inputs) {
      const di = d instanceof Var ? madeAt.get(d) : undefined;
      const dot = di === undefined ? undefined : out[di];
      if (!dot || dot.kind !== "eqn" || dot.eqn.prim !== "dot_general" || dot.epilogue) continue;
      const reads = readers.get(d as Var) ?? [];
      const fits =
        sameShape(g.shape, d.aval.shape) &&
        !returned.has(d as Var) &&
        reads.every((e) => members.has(e) && e.prim !== "broadcast_in_dim") &&
        g.inputs.every((a) => a === d || ready(a, di!)) &&
        takes(dot.eqn, g);
      if (!fits) continue;
      out[di!] = { ...dot, epilogue: g };
      out[gi] = null;
      break;
    }
  }
  return out.filter((s): s is Step => s !== null);
}

/**
 * Element strides (row-major) of a `broadcast_in_dim` operand read at the indices of its
 * output: 0 along inserted and size-1-expanded axes.
 */
export function broadcastStrides(operand: readonly number[], out: readonly number[], broadcastDimensions: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = operand.length - 1; i >= 0; i--) {
    const d = broadcastDimensions[i];
    strides[d] = operand[i] === out[d] && operand[i] !== 1 ? acc : 0;
    acc *= operand[i];
  }
  return strides;
}
