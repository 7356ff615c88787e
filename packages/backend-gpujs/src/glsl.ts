/**
 * GLSL helper functions, as a table: each row is one function in GLSL ES 1.00 (which also
 * compiles as GLSL ES 3.00), the helpers it calls, and nothing else. Kernels list the
 * helpers they call; `helperClosure` adds the dependencies, in an order GLSL accepts.
 *
 * Every kernel takes four trailing uniforms, which gpu.js declares (as `user_<name>`)
 * before any helper: `one` = 1, `zero` = 0, `inf` = +Infinity, `nan` = NaN. They are
 * uniforms on purpose:
 * - GLSL has no literal for Infinity or NaN, and `1.0 / 0.0` is folded to anything;
 * - shader compilers simplify floating point as if it were real arithmetic
 *   ((x + 1) - 1 → x, x + 0 → x, Kahan's compensation → 0). A product with `one` or a
 *   sum with `zero`, values the compiler cannot see, keeps such steps as written.
 */
export interface Helper {
  readonly name: string;
  readonly glsl: string;
  readonly deps: readonly Helper[];
}

export const ONE = "user_one";
export const ZERO = "user_zero";
export const INF = "user_inf";
export const NAN = "user_nan";

/** The trailing parameters of every kernel, in the order the runtime passes them. */
export const UNIFORM_PARAMS = ["one", "zero", "inf", "nan"] as const;
export const UNIFORM_VALUES = [1, 0, Infinity, NaN] as const;

/** A helper row; `glsl` must define exactly one function named `name`. */
export function helper(name: string, deps: readonly Helper[], glsl: string): Helper {
  if (!new RegExp(`\\b${name}\\s*\\(`).test(glsl)) throw new Error(`internal: helper '${name}' does not define ${name}()`);
  return { name, glsl: glsl.trim(), deps };
}

/** The helpers and everything they call, each once, callees first. */
export function helperClosure(roots: readonly Helper[]): Helper[] {
  const out: Helper[] = [];
  const seen = new Set<Helper>();
  const visit = (h: Helper) => {
    if (seen.has(h)) return;
    seen.add(h);
    h.deps.forEach(visit);
    out.push(h);
  };
  roots.forEach(visit);
  return out;
}
