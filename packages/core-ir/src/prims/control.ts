import { DTypeError, ShapeError, TypecheckError } from "../errors.js";
import type { ClosedProgram } from "../program.js";
import { declarePrimitive } from "../registry.js";
import { ShapedArray } from "../shape.js";

declare module "../registry.js" {
  interface PrimParamMap {
    /** cond(index, operands…): run `branches[index]` (index clamped) on the operands. */
    cond: { branches: readonly ClosedProgram[] };
    /**
     * scan(consts…, carry…, xs…): `length` steps of `program(consts, carry, x_i) -> (carry, y_i)`,
     * over axis 0 of the xs (from the end when `reverse`); outputs the final carry, then the
     * stacked ys.
     */
    scan: { program: ClosedProgram; length: number; reverse: boolean; numConsts: number; numCarry: number };
    /** while(condConsts…, bodyConsts…, carry…): `carry = body(carry)` while `cond(carry)`. */
    while: { cond: ClosedProgram; body: ClosedProgram; condNumConsts: number; bodyNumConsts: number };
  }
  interface HigherOrderPrims {
    cond: true;
    scan: true;
    while: true;
  }
}

const FAMILY = "control";
const fmt = (avals: readonly ShapedArray[]) => `(${avals.join(", ")})`;
const sameAvals = (a: readonly ShapedArray[], b: readonly ShapedArray[]) => a.length === b.length && a.every((x, i) => x.equals(b[i]));

function checkCall(what: string, program: ClosedProgram, avals: readonly ShapedArray[]): void {
  if (!sameAvals(program.inAvals, avals)) throw new TypecheckError(`${what}: called with ${fmt(avals)}; it takes ${fmt(program.inAvals)}`);
}

declarePrimitive(
  {
    name: "cond",
    family: FAMILY,
    arity: "variadic",
    linearity: "body",
    linearArgs: "all",
    abstractEval: ([index, ...operands], { branches }) => {
      if (!index || index.dtype !== "int32" || index.ndim !== 0) throw new DTypeError(`cond: the branch index is ${index}; expected an int32 scalar`);
      if (branches.length === 0) throw new ShapeError("cond: expected at least one branch");
      branches.forEach((b, i) => checkCall(`cond: branch ${i}`, b, operands));
      const outs = branches[0].outAvals;
      branches.forEach((b, i) => {
        if (!sameAvals(b.outAvals, outs)) throw new TypecheckError(`cond: branch 0 returns ${fmt(outs)} but branch ${i} returns ${fmt(b.outAvals)}; every branch must return the same types`);
      });
      return outs;
    },
    doc: "run one of several closed programs, chosen by an int32 index (clamped)",
  },
  true,
);

declarePrimitive(
  {
    name: "scan",
    family: FAMILY,
    arity: "variadic",
    linearity: "body",
    linearArgs: "all",
    abstractEval: (avals, { program, length, numConsts, numCarry }) => {
      if (!Number.isInteger(length) || length < 0) throw new ShapeError(`scan: length ${length}; expected a non-negative integer`);
      const consts = avals.slice(0, numConsts);
      const carry = avals.slice(numConsts, numConsts + numCarry);
      const xs = avals.slice(numConsts + numCarry);
      xs.forEach((x) => {
        if (x.ndim === 0 || x.shape[0] !== length) throw new ShapeError(`scan: xs has shape [${x.shape.join(", ")}]; expected a leading axis of length ${length}`);
      });
      checkCall("scan: body", program, [...consts, ...carry, ...xs.map((x) => new ShapedArray(x.shape.slice(1), x.dtype))]);
      const outs = program.outAvals;
      if (!sameAvals(outs.slice(0, numCarry), carry)) {
        throw new TypecheckError(`scan: the body returns the carry as ${fmt(outs.slice(0, numCarry))}; it came in as ${fmt(carry)}; the carry must keep its type`);
      }
      return [...carry, ...outs.slice(numCarry).map((y) => new ShapedArray([length, ...y.shape], y.dtype))];
    },
    doc: "a loop of `length` steps over a carry, mapping over the leading axis of xs",
  },
  true,
);

declarePrimitive(
  {
    name: "while",
    family: FAMILY,
    arity: "variadic",
    linearity: "body",
    linearArgs: "all",
    abstractEval: (avals, { cond, body, condNumConsts, bodyNumConsts }) => {
      const carry = avals.slice(condNumConsts + bodyNumConsts);
      checkCall("while: cond", cond, [...avals.slice(0, condNumConsts), ...carry]);
      checkCall("while: body", body, [...avals.slice(condNumConsts, condNumConsts + bodyNumConsts), ...carry]);
      const [pred] = cond.outAvals;
      if (cond.outAvals.length !== 1 || pred.dtype !== "bool" || pred.ndim !== 0) throw new DTypeError(`while: cond returns ${fmt(cond.outAvals)}; expected one bool scalar`);
      if (!sameAvals(body.outAvals, carry)) throw new TypecheckError(`while: the body returns ${fmt(body.outAvals)}; the carry is ${fmt(carry)}; the carry must keep its type`);
      return carry;
    },
    doc: "repeat a closed body while a closed predicate holds",
  },
  true,
);
