import {
  flatFn,
  flattenArgs,
  type Tracer,
  TransformError,
  type TreeDef,
  ValueError,
  asInternal,
  checkArgnums,
  checkArgnumsRange,
  checkFunction,
  checkOptions,
  rejectPromise,
  isFloat,
  releaseScope,
  ops,

  treeDefEqual,
  treeDefString,
  treeLeafCount,
  treeUnflatten,
} from "@lintra/core-ir";
import {
  type LinearFn,
  Zero,
  instantiate,
  leavesOf,
  linearizeFlat,
} from "@lintra/jvp";
import { type Cotangent, backwardPass } from "./backward-pass.js";
import { UndefinedPrimal } from "./undefined-primal.js";

/** Split flat cotangents into one pytree per positional argument. */
function perArgument(inDef: TreeDef, flat: readonly Tracer[]): unknown[] {
  if (inDef.kind !== "array") throw new Error("internal: arguments are not a list");
  let offset = 0;
  return inDef.children.map((child) => {
    const n = treeLeafCount(child);
    const part = flat.slice(offset, (offset += n));
    return treeUnflatten(child, part);
  });
}

/** Flat cotangents for a linear program's inputs (zeros where none reached them). */
function pullBack(program: LinearFn["program"], cts: readonly Cotangent[]): Tracer[] {
  return backwardPass(program, program.inBinders.map((v) => new UndefinedPrimal(v.aval)), cts).map((c) => instantiate(c as Cotangent));
}

function readCotangents(ct: unknown, outTree: TreeDef, outAvals: readonly Tracer["aval"][], where: string): Tracer[] {
  const [cts, ctDef] = flattenArgs(ct, where);
  if (!treeDefEqual(ctDef, outTree)) {
    throw new ValueError(`${where}: cotangent has structure ${treeDefString(ctDef)}; expected ${treeDefString(outTree)}, the structure of the output`);
  }
  cts.forEach((c, i) => {
    if (!c.aval.equals(outAvals[i])) throw new ValueError(`${where}: cotangent ${i} has type ${c.aval}; expected ${outAvals[i]}, the type of the output`);
  });
  return cts;
}

/**
 * `linearTranspose(fLin)` -> `fT(ct)`: the transpose of a linear function from `linearize`,
 * returning one cotangent per primal argument.
 */
export function linearTranspose(fLin: LinearFn): (ct: unknown) => unknown[] {
  checkFunction("linearTranspose", fLin, "fLin (the linear function returned by linearize)");
  if (!fLin.program || !fLin.primalTree || !fLin.outTree) {
    throw new TransformError(
      `linearTranspose: expected the linear function returned by linearize, got a plain function (${fLin.name || "anonymous"}); ` +
        "linearize it first: const [, fLin] = linearize(f, ...primals); linearTranspose(fLin)",
    );
  }
  const { program, primalTree, outTree } = fLin;
  return (ct) =>
    releaseScope(() => perArgument(primalTree, pullBack(program, readCotangents(ct, outTree, program.outAvals, "linearTranspose"))), leavesOf);
}

/** Reverse mode: `vjp(f, ...primals)` -> `[out, fVjp]`, `fVjp(ct)` -> one cotangent per primal. */
export function vjp(f: (...args: any[]) => any, ...primals: unknown[]): [any, (ct: unknown) => unknown[]] {
  checkFunction("vjp", f);
  const [ps, inDef] = flattenArgs(primals, "vjp");
  const { fn, outDef } = flatFn(f, inDef, "vjp");
  const { outs, program } = releaseScope(
    () => linearizeFlat(fn, ps),
    (r) => [...r.outs, ...r.program.consts],
  );
  const outTree = outDef();
  const fVjp = (ct: unknown) => releaseScope(() => perArgument(inDef, pullBack(program, readCotangents(ct, outTree, program.outAvals, "fVjp"))), leavesOf);
  return [treeUnflatten(outTree, outs), fVjp];
}

export interface GradOptions {
  /** Which positional argument(s) to differentiate: a number gives one gradient, an array a list. */
  argnums?: number | readonly number[];
  /** `f` returns `[value, aux]`; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

/** The options of grad and valueAndGrad, checked when the transformation is made. */
function checkGradOptions(call: string, f: unknown, options: unknown): void {
  checkFunction(call, f);
  checkOptions(call, options, ["argnums", "hasAux"]);
  const { argnums, hasAux } = (options ?? {}) as GradOptions;
  if (argnums !== undefined) checkArgnums(call, argnums);
  if (hasAux !== undefined && typeof hasAux !== "boolean") throw new ValueError(`${call}: hasAux must be a boolean, got ${typeof hasAux}`);
}

/** `valueAndGrad(f)(...args)` -> `[value, grad]`; with hasAux, `[[value, aux], grad]`. */
export function valueAndGrad(f: (...args: any[]) => any, options: GradOptions = {}) {
  checkGradOptions("valueAndGrad", f, options);
  const run = valueAndGradUnscoped(f, options, "valueAndGrad");
  // Called eagerly, every intermediate (residuals, cotangents) is released on return.
  return (...args: unknown[]): [any, any] => releaseScope(() => run(...args), leavesOf);
}

function valueAndGradUnscoped(f: (...args: any[]) => any, { argnums = 0, hasAux = false }: GradOptions, call: string) {
  const nums = typeof argnums === "number" ? [argnums] : [...argnums];
  return (...args: unknown[]): [any, any] => {
    checkArgnumsRange(call, nums, args.length);
    const diffArgs = nums.map((n) => args[n]);
    const [ps, inDef] = flattenArgs(diffArgs, call);
    ps.forEach((x) => {
      if (!isFloat(x.dtype)) {
        throw new TransformError(`${call}: cannot differentiate with respect to an input of dtype ${x.dtype} (${x.aval}); expected float32 or float64 inputs`);
      }
    });
    const g = (...dargs: unknown[]) => {
      const full = [...args];
      nums.forEach((n, j) => (full[n] = dargs[j]));
      const r = f(...full);
      rejectPromise(r, call);
      if (!hasAux) return [r];
      if (!Array.isArray(r) || r.length !== 2) throw new TransformError(`${call}: with hasAux, the function must return [value, aux]`);
      return r;
    };
    const { fn, outDef } = flatFn(g, inDef, call);
    const { outs, program } = linearizeFlat(fn, ps);
    const outTree = outDef();
    const value = outs[0];
    const valueDef = outTree.kind === "array" ? outTree.children[0] : outTree;
    if (valueDef.kind !== "leaf" || value.ndim !== 0 || !isFloat(value.dtype)) {
      throw new TransformError(
        `${call}: the function must return a scalar float (shape []), got ${valueDef.kind === "leaf" ? value.aval : treeDefString(valueDef)}; use vjp or jacrev for non-scalar outputs`,
      );
    }
    const cts: Cotangent[] = outs.map((o, i) => (i === 0 ? asInternal(() => ops.fullLike(o, 1)) : new Zero(o.aval)));
    const grads = perArgument(inDef, pullBack(program, cts));
    const grad = typeof argnums === "number" ? grads[0] : grads;
    const [valueOut, aux] = treeUnflatten(outTree, outs) as unknown[];
    return hasAux ? [[valueOut, aux], grad] : [valueOut, grad];
  };
}

/**
 * `grad(f)(...args)`: the gradient of a scalar function with respect to argument 0 (or
 * `argnums`); with hasAux, `[grad, aux]` as in JAX.
 */
export function grad(f: (...args: any[]) => any, options: GradOptions = {}) {
  checkGradOptions("grad", f, options);
  const run = valueAndGradUnscoped(f, options, "grad");
  const vg = (...args: unknown[]): [any, any] => releaseScope(() => run(...args), leavesOf);
  return (...args: unknown[]): any => {
    const [value, g] = vg(...args);
    return options.hasAux ? [g, (value as unknown[])[1]] : g;
  };
}
