// Zero-divergence inference learning (Z-IL): Song et al. 2020, "Can the Brain Do
// Backpropagation? — Exact Implementation of Backpropagation in Predictive Coding
// Networks", generalised to computational graphs by Salvatori et al. 2022, "Reverse
// Differentiation via Predictive Coding".
//
// Predictive coding on a graph: each vertex v has a value node x_v, a prediction
// μ_v = g_v(x_parents(v), θ_v) and an error node ε_v = x_v − μ_v; the energy is
// F = ½ Σ_v ‖ε_v‖². Everything below is local to a vertex and its neighbours:
//   inference  x_v ← x_v + γ (−ε_v + Σ_{c ∈ children(v)} (∂μ_c/∂x_v)ᵀ ε_c)     (= x_v − γ ∂F/∂x_v)
//   learning   Δθ_v = α (∂μ_v/∂θ_v)ᵀ ε_v                                      (= −α ∂F/∂θ_v)
// where child c computes (∂μ_c/∂x_v)ᵀ ε_c from its own error and derivative (a VJP of g_c
// alone) and sends it to parent v. A parameter shared by several vertices gets the sum of
// their updates.
//
// Z-IL's conditions, under which Δθ equals backprop's −α ∂L/∂θ exactly:
//  1. Zero divergence at t = 0: every value node starts at its prediction, x_v(0) = μ_v(0)
//     (the forward pass), so every error is zero except the output's. The output vertex is
//     clamped to the target, x_out = μ_out(0) − ∂L/∂μ_out: its error is ε_out = −∂L/∂μ_out.
//     Here the output vertex is the loss L itself, so ε_out(0) = −1.
//  2. Inference rate γ = 1. Then x_v(t+1) = μ_v(t) + Σ_c (∂μ_c/∂x_v)ᵀ ε_c(t): a value node
//     keeps nothing of its own past error, only what its children sent at the last step.
//  3. The graph is leveled: every edge runs from a vertex at level l + 1 to one at level l,
//     the level l(v) being the distance from v to the output. Salvatori et al. make any
//     graph leveled by inserting identity vertices on the edges that skip levels (a skip
//     connection h1 → h1 + tanh(W h1) is one); see graph.ts.
//  4. The parameters θ_v of vertex v are updated at step t = l(v), from ε_v(l(v)) and the
//     derivative ∂μ_v/∂θ_v at that step.
//  5. The parameters the dynamics read stay at their forward-pass values until inference
//     ends; the updates read off at each vertex's step are then applied together. Song et
//     al. apply each layer's update at its step, which is the same for a chain whose
//     parameters belong to one vertex each; a weight shared by vertices at different levels,
//     changed at the first one's step, would change the other's prediction before its own
//     step and break the equivalence (the "in-place" control below shows it).
// Why it is exact: by induction on l, a vertex at level l keeps x_v(t) = μ_v(0) for t < l
// (no error reaches it earlier) and its parents, at level l + 1, have not moved at t = l.
// So with γ = 1, ε_v(l) = Σ_c (∂μ_c/∂x_v)ᵀ ε_c(l − 1) with every derivative taken at the
// forward-pass values: backprop's chain rule, δ_v = −ε_v(l). Inference runs for T steps,
// T the largest level of a vertex with parameters. Past its step a vertex's error is no
// longer backprop's, and with γ = 1 the errors near the output may grow without bound (the
// energy F overflows within about ten steps on the models here); on a leveled graph that
// disturbance stays a level behind the vertices still to be read, so their updates are exact.
import { np, vjp } from "lintra";
import type { PCGraph, Vertex } from "./graph.js";

export interface ZilOptions {
  /** Inference rate γ (Z-IL: 1). */
  readonly gamma?: number;
  /** Learning rate α (the updates returned are α times the negative gradient). */
  readonly alpha?: number;
  /** When a vertex's weight update is read off: at t = l(v) (Z-IL), or every vertex at the last step. */
  readonly schedule?: "level" | "last-step";
  /** Apply updates after inference (Z-IL here), or to the parameters the dynamics read, at each vertex's step. */
  readonly apply?: "after-inference" | "in-place";
}

export interface ZilResult {
  /** Δθ for each parameter, summed over the vertices that use it. */
  readonly updates: np.Array[];
  /** Inference steps run (value-node updates). */
  readonly steps: number;
  /** F = ½ Σ ‖ε_v‖² at each step. */
  readonly energy: number[];
}

/** A vertex's prediction and the local backward map ε ↦ ((∂μ_v/∂arg_i)ᵀ ε)_i at the current arguments. */
function predict(v: Vertex, args: np.Array[]): [np.Array, (eps: np.Array) => np.Array[]] {
  if (args.length === 0) return [v.local(), () => []];
  const [mu, back] = vjp(v.local, ...args);
  return [mu, (eps) => back(eps) as np.Array[]];
}

const sumSquares = (a: np.Array) => np.sum(np.square(a)).item();

/** Run Z-IL on `graph` with parameter values `params`; returns the weight updates. */
export function zil(graph: PCGraph, params: readonly np.Array[], options: ZilOptions = {}): ZilResult {
  const { gamma = 1, alpha = 1, schedule = "level", apply = "after-inference" } = options;
  const { vertices, order, output, children } = graph;
  const theta = [...params];
  const args = (v: Vertex, x: readonly np.Array[]) => v.inputs.map((s) => (s.kind === "vertex" ? x[s.vertex] : theta[s.index]));
  const hasParams = (v: Vertex) => v.inputs.some((s) => s.kind === "param");
  const last = Math.max(0, ...vertices.filter(hasParams).map((v) => v.level));
  const readAt = (v: Vertex) => (schedule === "level" ? v.level : last);

  // Condition 1: the forward pass, then the output clamped one unit of loss below its prediction.
  const x: np.Array[] = new Array(vertices.length);
  for (const id of order) x[id] = vertices[id].local(...args(vertices[id], x));
  x[output] = x[output].sub(1);

  const updates = params.map((p) => np.zerosLike(p));
  const energy: number[] = [];
  for (let t = 0; ; t++) {
    // Every vertex: prediction, error, and the error sent back through its local derivative.
    const eps: np.Array[] = [];
    const sent: np.Array[][] = [];
    for (const v of vertices) {
      const [mu, back] = predict(v, args(v, x));
      eps[v.id] = x[v.id].sub(mu);
      sent[v.id] = back(eps[v.id]);
    }
    energy.push(0.5 * eps.reduce((e, a) => e + sumSquares(a), 0));

    // Learning, at each vertex's step: Δθ_v = α (∂μ_v/∂θ_v)ᵀ ε_v.
    for (const v of vertices) {
      if (readAt(v) !== t) continue;
      v.inputs.forEach((s, i) => {
        if (s.kind !== "param") return;
        const delta = sent[v.id][i].mul(alpha);
        updates[s.index] = updates[s.index].add(delta);
        if (apply === "in-place") theta[s.index] = theta[s.index].add(delta);
      });
    }
    if (t === last) return { updates, steps: t, energy };

    // Inference: every value node but the clamped output descends F.
    for (const v of vertices) {
      if (v.id === output) continue;
      let drive = eps[v.id].neg();
      for (const { child, slot } of children[v.id]) drive = drive.add(sent[child][slot]);
      x[v.id] = x[v.id].add(drive.mul(gamma));
    }
  }
}
