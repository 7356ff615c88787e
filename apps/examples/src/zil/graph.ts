// The predictive-coding graph of a staged program: one vertex per equation, each with a
// value node x_v and an error node ε_v = x_v − μ_v, where μ_v = g_v(parents, θ_v) is the
// equation's primitive applied to its inputs. The graph is then *leveled* (Salvatori et
// al. 2022): identity vertices are inserted on every edge that skips a level, so that every
// edge runs from level l + 1 to level l, the level being the distance to the output.
import { type Eqn, Lit, Program, type Tracer, type Var, evalProgram } from "@lintra/core-ir";
import type { np } from "lintra";

/** Where an argument of a vertex's local function comes from. */
export type Source = { readonly kind: "vertex"; readonly vertex: number } | { readonly kind: "param"; readonly index: number };

export interface Vertex {
  readonly id: number;
  /** The primitive's name, or "identity" for a vertex inserted by leveling. */
  readonly label: string;
  /** The arguments of `local`, in order: parent vertices and parameters. */
  readonly inputs: readonly Source[];
  /** g_v: the vertex's prediction from its arguments (data and literals are bound inside). */
  readonly local: (...args: np.Array[]) => np.Array;
  /** Distance to the output vertex along the graph's edges. */
  readonly level: number;
}

export interface PCGraph {
  readonly vertices: readonly Vertex[];
  /** Vertex ids with parents before children. */
  readonly order: readonly number[];
  /** The vertex whose value is the program's (scalar) output. */
  readonly output: number;
  /** Identity vertices inserted by leveling. */
  readonly identities: number;
  /** For each vertex, the (child, argument position) pairs that read it. */
  readonly children: readonly (readonly { readonly child: number; readonly slot: number }[])[];
}

interface RawVertex {
  label: string;
  inputs: Source[];
  local: (...args: np.Array[]) => np.Array;
}

/** A vertex's local function: the equation alone, as a one-equation program, evaluated on its arguments. */
function equationFunction(eqn: Eqn, free: readonly Var[], fixed: ReadonlyMap<Var, Tracer>): (...args: np.Array[]) => np.Array {
  const binders = [...new Set(eqn.inputs.filter((a): a is Var => !(a instanceof Lit)))];
  const single = new Program([], [], binders, [eqn], eqn.outs);
  return (...args: np.Array[]) => {
    const bound = new Map<Var, Tracer>(fixed);
    free.forEach((v, i) => bound.set(v, args[i]));
    return evalProgram(single, binders.map((v) => bound.get(v)!))[0] as np.Array;
  };
}

/**
 * Build the graph of `program`, whose first `paramCount` inputs are parameters θ and whose
 * remaining inputs are data, bound to `data`. With `level: false` the graph keeps the
 * program's own edges (levels are then longest distances to the output).
 */
export function buildGraph(program: Program, paramCount: number, data: readonly np.Array[], options: { level?: boolean } = {}): PCGraph {
  if (program.outs.length !== 1 || !program.outs[0].aval.shape.every((d) => d === 1)) {
    throw new Error(`buildGraph: the program must have one scalar output (a loss), got ${program.outAvals.join(", ")}`);
  }
  const fixed = new Map<Var, Tracer>();
  program.constBinders.forEach((v, i) => fixed.set(v, program.consts[i]));
  program.inBinders.slice(paramCount).forEach((v, i) => fixed.set(v, data[i]));
  const paramIndex = new Map<Var, number>(program.inBinders.slice(0, paramCount).map((v, i) => [v, i]));

  // One raw vertex per equation that reaches the output.
  const live = new Set<Var>([program.outs[0] as Var]);
  const used = program.eqns.map(() => false);
  for (let i = program.eqns.length - 1; i >= 0; i--) {
    const eqn = program.eqns[i];
    if (!eqn.outs.some((v) => live.has(v))) continue;
    if (eqn.outs.length !== 1) throw new Error(`buildGraph: '${eqn.prim}' has ${eqn.outs.length} outputs; one value node per vertex is supported`);
    used[i] = true;
    for (const a of eqn.inputs) if (!(a instanceof Lit)) live.add(a);
  }
  const raw: RawVertex[] = [];
  const producer = new Map<Var, number>();
  program.eqns.forEach((eqn, i) => {
    if (!used[i]) return;
    const free = [...new Set(eqn.inputs.filter((a): a is Var => !(a instanceof Lit) && !fixed.has(a)))];
    const inputs = free.map((v): Source => {
      const p = paramIndex.get(v);
      if (p !== undefined) return { kind: "param", index: p };
      return { kind: "vertex", vertex: producer.get(v)! };
    });
    producer.set(eqn.outs[0], raw.length);
    raw.push({ label: eqn.prim, inputs, local: equationFunction(eqn, free, fixed) });
  });
  const output = producer.get(program.outs[0] as Var);
  if (output === undefined) throw new Error("buildGraph: the program's output is an input, not an equation");

  // Levels: the longest distance to the output (raw vertices are in topological order).
  const level = raw.map(() => -1);
  level[output] = 0;
  for (let c = raw.length - 1; c >= 0; c--) {
    for (const s of raw[c].inputs) if (s.kind === "vertex") level[s.vertex] = Math.max(level[s.vertex], level[c] + 1);
  }

  // Leveling: an edge v → c spanning k > 1 levels becomes v → id → … → id → c (k − 1 identities).
  const vertices: Vertex[] = raw.map((r, id) => ({ id, label: r.label, inputs: r.inputs, local: r.local, level: level[id] }));
  let identities = 0;
  if (options.level ?? true) {
    for (const c of [...vertices]) {
      const inputs = c.inputs.map((s) => {
        if (s.kind !== "vertex") return s;
        let source = s.vertex;
        for (let l = vertices[source].level - 1; l > c.level; l--) {
          const id = vertices.length;
          vertices.push({ id, label: "identity", inputs: [{ kind: "vertex", vertex: source }], local: (x) => x, level: l });
          source = id;
          identities++;
        }
        return { kind: "vertex", vertex: source } as const;
      });
      vertices[c.id] = { ...c, inputs };
    }
  }

  const children = vertices.map((): { child: number; slot: number }[] => []);
  for (const c of vertices) c.inputs.forEach((s, slot) => s.kind === "vertex" && children[s.vertex].push({ child: c.id, slot }));
  return { vertices, order: topologicalOrder(vertices), output, identities, children };
}

function topologicalOrder(vertices: readonly Vertex[]): number[] {
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (v: number) => {
    if (seen.has(v)) return;
    seen.add(v);
    for (const s of vertices[v].inputs) if (s.kind === "vertex") visit(s.vertex);
    order.push(v);
  };
  vertices.forEach((v) => visit(v.id));
  return order;
}
