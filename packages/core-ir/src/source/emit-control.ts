import { allocSource } from "./literals.js";
import type { HigherOrderSourceEmitter } from "./types.js";

/*
 * Control flow as JavaScript control flow. Each equation is an arrow function called at
 * once, so the locals it declares (the loop's carries, a body's function) stay its own.
 */

const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name).join(", ");

/** cond: a `switch` on the clamped index, each case calling its branch. */
export const emitCond: HigherOrderSourceEmitter<"cond"> = ({ ins, params: { branches }, outs, w, writeFunction }) => {
  const [index, ...operands] = ins;
  const args = operands.map((x) => x.ref).join(", ");
  w.block(`const [${names(outs)}] = (() => {`, () => {
    w.block(`switch (Math.min(Math.max(${index.at("0")}, 0), ${branches.length - 1})) {`, () => {
      branches.forEach((branch, k) => {
        w.line(k < branches.length - 1 ? `case ${k}:` : "default:");
        writeFunction(branch, (params) => `  return ((${params.join(", ")}) => {`, `  })(${args});`);
      });
    });
  }, "})();");
};

/**
 * scan: the body as a function, a `for` loop over the steps passing each x_i as a
 * subarray view and writing each y_i into its row of the stacked ys.
 */
export const emitScan: HigherOrderSourceEmitter<"scan"> = ({ ins, params, outs, w, writeFunction }) => {
  const { program, length, reverse, numConsts, numCarry } = params;
  const consts = ins.slice(0, numConsts).map((x) => x.ref);
  const xs = ins.slice(numConsts + numCarry);
  const xSizes = program.inAvals.slice(numConsts + numCarry).map((a) => a.size);
  const ys = outs.slice(numCarry);
  const ySizes = program.outAvals.slice(numCarry).map((a) => a.size);
  w.block(`const [${names(outs)}] = (() => {`, () => {
    writeFunction(program, (p) => `const body$ = (${p.join(", ")}) => {`, "};");
    w.line(`let carry$ = [${ins.slice(numConsts, numConsts + numCarry).map((x) => x.ref).join(", ")}];`);
    ys.forEach((y, j) => w.line(`const ys$${j} = ${allocSource(y.aval)};`));
    w.block(`for (let step$ = 0; step$ < ${length}; step$++) {`, () => {
      w.line(`const i$ = ${reverse ? `${length - 1} - step$` : "step$"};`);
      const slices = xs.map((x, j) => `${x.ref}.subarray(i$ * ${xSizes[j]}, (i$ + 1) * ${xSizes[j]})`);
      w.line(`const outs$ = body$(${[...consts, "...carry$", ...slices].join(", ")});`);
      ys.forEach((_, j) => w.line(`ys$${j}.set(outs$[${numCarry + j}], i$ * ${ySizes[j]});`));
      w.line(`carry$ = outs$.slice(0, ${numCarry});`);
    });
    w.line(`return [${[...outs.slice(0, numCarry).map((_, j) => `carry$[${j}].slice()`), ...ys.map((_, j) => `ys$${j}`)].join(", ")}];`);
  }, "})();");
};

/** while: the predicate and the body as functions, a JavaScript `while` loop. */
export const emitWhile: HigherOrderSourceEmitter<"while"> = ({ ins, params, outs, w, writeFunction }) => {
  const { cond, body, condNumConsts, bodyNumConsts } = params;
  const condConsts = ins.slice(0, condNumConsts).map((x) => x.ref);
  const bodyConsts = ins.slice(condNumConsts, condNumConsts + bodyNumConsts).map((x) => x.ref);
  w.block(`const [${names(outs)}] = (() => {`, () => {
    writeFunction(cond, (p) => `const test$ = (${p.join(", ")}) => {`, "};");
    writeFunction(body, (p) => `const step$ = (${p.join(", ")}) => {`, "};");
    w.line(`let carry$ = [${ins.slice(condNumConsts + bodyNumConsts).map((x) => x.ref).join(", ")}];`);
    w.line(`while (test$(${[...condConsts, "...carry$"].join(", ")})[0][0]) carry$ = step$(${[...bodyConsts, "...carry$"].join(", ")});`);
    w.line(`return carry$.map((c$) => c$.slice());`);
  }, "})();");
};
