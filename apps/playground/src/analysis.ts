import { type Program, Array as LArray, grad, jvp, linearize, makeProgram, np, transpose, vmap } from "lintra";
import { type Outcome, attempt } from "./errors.js";
import { formatValue } from "./format.js";
import { type Residual, residualsOf } from "./residuals.js";

// The user's function, typed only at run time: its output may be any pytree of arrays.
type Fn = (...args: any[]) => any;

/** A linear program as printed, with its residuals. */
export interface LinearView {
  readonly text: string;
  readonly residuals: readonly Residual[];
}

/** f, f′ and f″ sampled around the argument of a scalar function of one scalar. */
export interface PlotData {
  readonly point: number;
  readonly xs: readonly number[];
  readonly f: readonly number[];
  readonly df: readonly number[];
  readonly d2f: readonly number[];
}

/** Everything the page shows for one function and its arguments, each stage on its own. */
export interface Analysis {
  readonly program: Outcome<string>;
  readonly jvpProgram: Outcome<string>;
  readonly linear: Outcome<LinearView>;
  readonly transposed: Outcome<LinearView>;
  readonly gradSource: Outcome<string>;
  readonly value: Outcome<string>;
  readonly gradient: Outcome<string>;
  /** Absent where f is not a scalar function of one scalar. */
  readonly plot?: Outcome<PlotData>;
}

/** How far the plots reach on each side of the argument, and how many points they sample. */
export const PLOT_HALF_WIDTH = 4;
export const PLOT_POINTS = 401;

/** `grad` with respect to every argument: one gradient for one argument, a list for several. */
export function gradientOf(f: Fn, arity: number): Fn {
  return arity === 1 ? grad(f) : grad(f, { argnums: Array.from({ length: arity }, (_, i) => i) });
}

const isScalarArray = (x: unknown): x is LArray => x instanceof LArray && x.shape.length === 0;

function linearView(program: Program): LinearView {
  const text = program.toString();
  return { text, residuals: residualsOf(program, text) };
}

/** f(x), f′(x) and f″(x) over a linspace around `x`, each as one vmapped computation. */
function plotData(f: Fn, x: LArray): PlotData {
  const point = x.item() as number;
  const xs = np.linspace(point - PLOT_HALF_WIDTH, point + PLOT_HALF_WIDTH, PLOT_POINTS);
  const read = (a: LArray) => Array.from(a.dataSync() as ArrayLike<number>);
  const df = grad(f);
  return { point, xs: read(xs), f: read(vmap(f)(xs) as LArray), df: read(vmap(df)(xs) as LArray), d2f: read(vmap(grad(df))(xs) as LArray) };
}

/** Stage f's program, its JVP, its linearization and that linear program's transpose; evaluate f and its gradient. */
export function analyze(f: Fn, args: readonly unknown[]): Analysis {
  const program = attempt(() => makeProgram(f)(...args));
  const linearized = attempt(() => linearize(f, ...args)[1].program);
  const gradFn = gradientOf(f, args.length);
  const outs = program.ok ? program.value.outAvals : [];
  const scalarFn = args.length === 1 && isScalarArray(args[0]) && outs.length === 1 && outs[0].shape.length === 0;
  return {
    program: attempt(() => unwrap(program).toString()),
    jvpProgram: attempt(() => makeProgram((primals: unknown[], tangents: unknown[]) => jvp(f, primals, tangents)[1])([...args], [...args]).toString()),
    linear: attempt(() => linearView(unwrap(linearized))),
    transposed: attempt(() => linearView(transpose(unwrap(linearized)))),
    gradSource: attempt(() => makeProgram(gradFn)(...args).toSource()),
    value: attempt(() => formatValue(f(...args))),
    gradient: attempt(() => formatValue(gradFn(...args))),
    ...(scalarFn ? { plot: attempt(() => plotData(f, args[0] as LArray)) } : {}),
  };
}

/** A stage's value; a failed stage that another depends on fails that one with the same error. */
function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw Object.assign(new Error(outcome.error.message), { name: outcome.error.name });
}
