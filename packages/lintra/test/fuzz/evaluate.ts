/** Running a fuzz program (`makeFunction`: a JS function over lintra arrays) and printing it (`describeProgram`). */
import { jit, lax, np } from "../../src/index.js";
import { type BinaryOp, type Node, type Program, type Shape, THRESHOLDS, type UnaryOp } from "./programs.js";

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

export type Fn = (...xs: np.Array[]) => np.Array;

/** Jitted bodies that capture nothing are made once per function, so repeated calls hit jit's cache. */
type JitCache = Map<Node, Fn>;

const UNARY: Record<UnaryOp, (x: np.Array) => np.Array> = {
  sin: np.sin,
  cos: np.cos,
  tanh: np.tanh,
  expTanh: (x) => np.exp(np.tanh(x)),
  logOnePlusSquare: (x) => np.log(np.add(1, np.square(x))),
  square: np.square,
  neg: np.negative,
  half: (x) => np.multiply(x, 0.5),
};

const BINARY: Record<BinaryOp, (x: np.Array, y: np.Array) => np.Array> = {
  add: np.add,
  sub: np.subtract,
  mul: np.multiply,
  maximum: np.maximum,
};

function evaluate(p: Program, args: readonly np.Array[], captured: readonly np.Array[], cache: JitCache): np.Array[] {
  const values: np.Array[] = [...args, ...captured];
  for (const step of p.steps) values.push(...apply(step.node, values, cache));
  return p.outputs.map((i) => values[i]);
}

/** `body` as a JS function of its parameters, reading its captures from `values`. */
function bodyFn(body: Program, values: readonly np.Array[], cache: JitCache): (...args: np.Array[]) => np.Array[] {
  const captured = body.captures.map((c) => values[c]);
  return (...args) => evaluate(body, args, captured, cache);
}

function jitted(node: Node & { kind: "jit" }, values: readonly np.Array[], cache: JitCache): Fn {
  const make = () => {
    const f = bodyFn(node.body, values, cache);
    return jit((...xs: np.Array[]) => f(...xs)[0]);
  };
  if (node.body.captures.length > 0) return make();
  if (!cache.has(node)) cache.set(node, make());
  return cache.get(node)!;
}

function apply(node: Node, v: readonly np.Array[], cache: JitCache): np.Array[] {
  switch (node.kind) {
    case "unary":
      return [UNARY[node.op](v[node.x])];
    case "binary":
      return [BINARY[node.op](v[node.x], v[node.y])];
    case "reduce":
      return [node.op === "sum" ? np.sum(v[node.x], node.axis) : np.mean(v[node.x], node.axis)];
    case "broadcast":
      return [np.broadcastTo(v[node.x], node.shape)];
    case "reshape":
      return [np.reshape(v[node.x], node.shape)];
    case "transpose":
      return [np.transpose(v[node.x])];
    case "matmul":
      return [np.matmul(v[node.x], v[node.y])];
    case "where": {
      const test = node.cmp === "greater" ? np.greater(v[node.x], v[node.y]) : np.less(v[node.x], v[node.y]);
      return [np.where(test, v[node.onTrue], v[node.onFalse])];
    }
    case "jit":
      return [jitted(node, v, cache)(...node.args.map((a) => v[a]))];
    case "cond": {
      const [onTrue, onFalse] = [node.onTrue, node.onFalse].map((b) => bodyFn(b, v, cache));
      const pred = np.greater(np.sum(v[node.pred]), node.threshold);
      return [lax.cond(pred, (...xs: np.Array[]) => onTrue(...xs)[0], (...xs: np.Array[]) => onFalse(...xs)[0], ...node.args.map((a) => v[a]))];
    }
    case "switch": {
      const branches = node.branches.map((b) => bodyFn(b, v, cache)).map((f) => (...xs: np.Array[]) => f(...xs)[0]);
      const total = np.sum(v[node.pred]);
      const index = THRESHOLDS.reduce((i, t) => np.add(i, np.astype(np.greater(total, t), "int32")), np.array(node.offset, { dtype: "int32" }));
      return [lax.switch(index, branches, ...node.args.map((a) => v[a]))];
    }
    case "scan": {
      const step = bodyFn(node.body, v, cache);
      const scanStep = (c: np.Array, x: np.Array): [np.Array, np.Array] => {
        const [next, y] = step(c, x);
        return [next, y];
      };
      return lax.scan(scanStep, v[node.init], v[node.xs], { reverse: node.reverse });
    }
    case "fori": {
      const step = bodyFn(node.body, v, cache);
      return [lax.foriLoop(0, node.steps, (i: np.Array, c: np.Array) => step(c, np.astype(i, "float64"))[0], v[node.init])];
    }
    case "while": {
      const step = bodyFn(node.body, v, cache);
      const running = ([c, k]: np.Array[]) => np.logicalAnd(np.less(k, node.maxSteps), np.less(np.sum(c), node.bound));
      const init = [v[node.init], np.array(0, { dtype: "int32" })];
      return [lax.whileLoop(running, ([c, k]: np.Array[]) => [step(c)[0], np.add(k, 1)], init)[0]];
    }
  }
}

/** A fresh JS function computing `program` (a new function object, so jit traces it anew). */
export function makeFunction(program: Program): Fn {
  const cache: JitCache = new Map();
  return (...inputs) => evaluate(program, inputs, [], cache)[0];
}

// ---------------------------------------------------------------------------------------------
// Description
// ---------------------------------------------------------------------------------------------

const fmtShape = (s: Shape) => `f64[${s.join(",")}]`;
const LETTERS = ["v", "u", "w", "z"];

/** Names of every value in a scope: parameters and steps by the scope's letter, captures by their outer names. */
function namesOf(p: Program, outerNames: readonly string[], depth: number, paramNames?: readonly string[]): string[] {
  const letter = LETTERS[Math.min(depth, LETTERS.length - 1)];
  const names = p.params.map((_, i) => paramNames?.[i] ?? `${letter}${i}`);
  names.push(...p.captures.map((c) => outerNames[c]));
  for (let i = names.length; i < p.shapes.length; i++) names.push(`${letter}${i}`);
  return names;
}

function printBody(head: string, body: Program, outerNames: readonly string[], depth: number, indent: string): string[] {
  const names = namesOf(body, outerNames, depth);
  const params = body.params.map((s, i) => `${names[i]}: ${fmtShape(s)}`).join(", ");
  const captures = body.captures.length ? ` reads ${body.captures.map((c) => outerNames[c]).join(", ")}` : "";
  return [`${indent}${head}(${params})${captures} => {`, ...printSteps(body, names, depth, `${indent}  `), `${indent}}`];
}

function printNode(node: Node, n: readonly string[], depth: number, indent: string): string[] {
  const inner = `${indent}  `;
  switch (node.kind) {
    case "unary": {
      const x = n[node.x];
      const text = { sin: `sin(${x})`, cos: `cos(${x})`, tanh: `tanh(${x})`, expTanh: `exp(tanh(${x}))`, logOnePlusSquare: `log(1 + square(${x}))`, square: `square(${x})`, neg: `-${x}`, half: `0.5 * ${x}` };
      return [text[node.op]];
    }
    case "binary":
      return [`${node.op}(${n[node.x]}, ${n[node.y]})`];
    case "reduce":
      return [`${node.op}(${n[node.x]}${node.axis === null ? "" : `, axis=${node.axis}`})`];
    case "broadcast":
      return [`broadcastTo(${n[node.x]}, [${node.shape.join(",")}])`];
    case "reshape":
      return [`reshape(${n[node.x]}, [${node.shape.join(",")}])`];
    case "transpose":
      return [`transpose(${n[node.x]})`];
    case "matmul":
      return [`matmul(${n[node.x]}, ${n[node.y]})`];
    case "where":
      return [`where(${node.cmp}(${n[node.x]}, ${n[node.y]}), ${n[node.onTrue]}, ${n[node.onFalse]})`];
    case "jit":
      return [`jit(`, ...printBody("", node.body, n, depth + 1, inner), `${indent})(${node.args.map((a) => n[a]).join(", ")})`];
    case "cond":
      return [
        `cond(sum(${n[node.pred]}) > ${node.threshold},`,
        ...printBody("true: ", node.onTrue, n, depth + 1, inner),
        ...printBody("false: ", node.onFalse, n, depth + 1, inner),
        `${indent}  operands ${node.args.map((a) => n[a]).join(", ")})`,
      ];
    case "switch":
      return [
        `switch(${node.offset} + count of [${THRESHOLDS.join(", ")}] below sum(${n[node.pred]}),`,
        ...node.branches.flatMap((b, i) => printBody(`${i}: `, b, n, depth + 1, inner)),
        `${indent}  operands ${node.args.map((a) => n[a]).join(", ")})`,
      ];
    case "scan":
      return [`scan(init=${n[node.init]}, xs=${n[node.xs]}${node.reverse ? ", reverse" : ""},`, ...printBody("(carry, x): ", node.body, n, depth + 1, inner), `${indent})`];
    case "fori":
      return [`foriLoop(0, ${node.steps}, init=${n[node.init]},`, ...printBody("(carry, i): ", node.body, n, depth + 1, inner), `${indent})`];
    case "while":
      return [`whileLoop(while k < ${node.maxSteps} && sum(carry) < ${node.bound}, init=${n[node.init]},`, ...printBody("(carry): ", node.body, n, depth + 1, inner), `${indent})`];
  }
}

function printSteps(p: Program, names: readonly string[], depth: number, indent: string): string[] {
  const lines: string[] = [];
  for (const step of p.steps) {
    const outs = step.shapes.map((s, i) => `${names[step.first + i]}: ${fmtShape(s)}`).join(", ");
    const [first, ...rest] = printNode(step.node, names, depth, indent);
    lines.push(`${indent}${step.shapes.length > 1 ? `[${outs}]` : outs} = ${first}`, ...rest);
  }
  lines.push(`${indent}return ${p.outputs.map((o) => names[o]).join(", ")}`);
  return lines;
}

/** `program` as readable pseudo-code, one value per line. */
export function describeProgram(program: Program): string {
  const inputNames = program.params.map((_, i) => `x${i}`);
  const names = namesOf(program, [], 0, inputNames);
  const params = program.params.map((s, i) => `${inputNames[i]}: ${fmtShape(s)}`).join(", ");
  return [`(${params}) => {`, ...printSteps(program, names, 0, "  "), "}"].join("\n");
}

/** Every kind of node in `program`, bodies included. */
export function kindsIn(program: Program): Set<Node["kind"]> {
  const kinds = new Set<Node["kind"]>();
  const visit = (p: Program) => {
    for (const { node } of p.steps) {
      kinds.add(node.kind);
      if (node.kind === "cond") [node.onTrue, node.onFalse].forEach(visit);
      if (node.kind === "switch") node.branches.forEach(visit);
      if ("body" in node) visit(node.body);
    }
  };
  visit(program);
  return kinds;
}
