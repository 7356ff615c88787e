import { type Atom, type Eqn, type FusedGroup, Lit, type Shape, type Var, broadcastStrides, stridesOf, toTyped } from "@lintra/core-ir";
import { mapSpec } from "./elementwise.js";
import { elementOp } from "./elementwise-ops.js";
import type { Helper } from "./glsl.js";
import type { KernelSpec } from "./runtime.js";
import { kernelSource, linear, unravel } from "./source.js";
import { DTYPES, toStored } from "./stored.js";

/*
 * Fused kernels: a group of equations (see core-ir's planFusion) becomes one gpu.js kernel
 * per group output. Each output element is one thread that reads its operand elements from
 * the input textures (broadcasts as index arithmetic, never materialized), calls the op
 * table's helper of every member it depends on in turn, and writes only the output: the
 * intermediates never leave the shader. One kernel per output rather than gpu.js's
 * multi-output kernels (createKernelMap), whose subkernels and draw buffers vary by GL
 * context: a member that several outputs need is computed in each of their kernels.
 */

/**
 * Texture operands one fused kernel may read: WebGL guarantees 8 texture units per shader.
 * A group whose output would read more runs kernel by kernel.
 */
export const MAX_TEXTURES = 8;

/** A value in a fused kernel: an element of an outside value, a literal, or a helper of other values. */
type Node =
  | { readonly read: Var; readonly strides: readonly number[] }
  | { readonly literal: string }
  | { readonly helper: Helper; readonly args: readonly Node[] };

/** One output of a group as a kernel, or as an outside value shared as it is (no kernel). */
export interface FusedKernel {
  readonly out: Var;
  /** Outside values the kernel reads, one texture each, in parameter order. */
  readonly reads: readonly Var[];
  readonly spec: KernelSpec;
  /** The output is this outside value, element for element: its texture is shared, nothing runs. */
  readonly alias?: Var;
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, k) => d === b[k]);

/** What the gpujs fuser takes into a group: ops of the table on stored dtypes, conversions and broadcasts. */
export function fusibleOnGpujs(eqn: Eqn): boolean {
  if (![...eqn.inputs, ...eqn.outs].every((a) => DTYPES.includes(a.aval.dtype))) return false;
  if (eqn.prim === "broadcast_in_dim") return true;
  // Operands are read at the output's index: each must have the output's shape (or be a literal).
  const shape = eqn.outs[0].aval.shape;
  if (!eqn.inputs.every((a) => a instanceof Lit || sameShape(a.aval.shape, shape))) return false;
  return eqn.inputs.length > 0 && elementOp(eqn.prim, eqn.inputs.map((a) => a.aval.dtype), eqn.params) !== undefined;
}

/**
 * A literal as kernel source: the stored float32 value (an int32 beyond the exact range is
 * the same DTypeError as uploading it) times the uniform 1, or a uniform for 0, ±Infinity
 * and NaN (see glsl.ts). Never a constant the compiler can see: folding a helper on a
 * constant (−0 + 0.0 → −0 instead of +0) would compute differently from the single-op
 * kernel, which reads the value from a texture.
 */
function literalText(lit: Lit): string {
  const v = toStored(toTyped(lit.aval.dtype, [lit.value]), lit.aval)[0];
  if (v !== v) return "nan";
  if (Math.abs(v) === Infinity) return v > 0 ? "inf" : "(-inf)";
  if (v === 0) return Object.is(v, -0) ? "(-zero)" : "zero";
  const text = String(Math.abs(v));
  return `(${v < 0 ? "-" : ""}${/[.e]/.test(text) ? text : `${text}.0`} * one)`;
}

/** Each group value as a node: members by their op, outside values as reads, literals inline. */
function nodesOf(group: FusedGroup): Map<Var, Node> {
  const contiguous = stridesOf(group.shape);
  const nodes = new Map<Var, Node>();
  const inOrder = new Map<Var, Node>(); // one read per outside value, however many members take it
  const read = (v: Var): Node => inOrder.get(v) ?? inOrder.set(v, { read: v, strides: contiguous }).get(v)!;
  const operand = (a: Atom): Node => (a instanceof Lit ? { literal: literalText(a) } : (nodes.get(a) ?? read(a)));
  for (const eqn of group.eqns) {
    const out = eqn.outs[0];
    if (eqn.prim === "broadcast_in_dim") {
      const [x] = eqn.inputs;
      if (nodes.has(x as Var)) throw new Error("internal: a fused broadcast reads a value of its own group");
      const dims = (eqn.params as { broadcastDimensions: readonly number[] }).broadcastDimensions;
      nodes.set(out, x instanceof Lit ? operand(x) : { read: x, strides: broadcastStrides(x.aval.shape, group.shape, dims) });
      continue;
    }
    const op = elementOp(eqn.prim, eqn.inputs.map((a) => a.aval.dtype), eqn.params);
    if (!op) throw new Error(`internal: '${eqn.prim}' was fused but has no helper`);
    nodes.set(out, op === "identity" ? operand(eqn.inputs[0]) : { helper: op.helper, args: eqn.inputs.map(operand) });
  }
  return nodes;
}

/** Whether a read takes element i of a value of the group's shape (strides on size-1 axes do not matter). */
function readsInOrder(node: Node, shape: Shape): node is { read: Var; strides: readonly number[] } {
  if (!("read" in node) || !sameShape(node.read.aval.shape, shape)) return false;
  const contiguous = stridesOf(shape);
  return shape.every((d, k) => d === 1 || node.strides[k] === contiguous[k]);
}

/** The kernel source computing `root` at element i: one const per read and per helper call, each emitted once. */
function kernelFor(root: Node, shape: Shape): { source: string; reads: Var[]; helpers: Helper[] } {
  const reads: Var[] = [];
  const helpers = new Set<Helper>();
  const lines: string[] = [];
  const names = new Map<Node, string>();
  const { lines: coordLines, coords } = unravel("i", shape, "c");
  let usesCoords = false;
  let count = 0;
  const emit = (node: Node): string => {
    if ("literal" in node) return node.literal;
    let name = names.get(node);
    if (name) return name;
    name = `v${count++}`;
    if ("read" in node) {
      let param = reads.indexOf(node.read);
      if (param < 0) param = reads.push(node.read) - 1;
      const index = readsInOrder(node, shape) ? "i" : linear(coords, node.strides);
      usesCoords ||= /c\d/.test(index);
      lines.push(`const ${name} = a${param}[${index}];`);
    } else {
      helpers.add(node.helper);
      const call = `${node.helper.name}(${node.args.map(emit).join(", ")})`;
      // A product with the uniform 1 keeps the compiler from simplifying across ops
      // ((x + 1) - 1 → x) once the helpers are inlined into one expression: each op
      // rounds as its own kernel would.
      lines.push(`const ${name} = ${node === root ? call : `${call} * one`};`);
    }
    names.set(node, name);
    return name;
  };
  const result = emit(root);
  const params = reads.map((_, k) => `a${k}`);
  const body = [...(usesCoords ? coordLines : []), ...lines, `return ${result};`];
  return { source: kernelSource(params, body), reads, helpers: [...helpers] };
}

/**
 * The kernels of a group, one per output; null when an output would read more textures
 * than a shader may (the group then runs kernel by kernel).
 */
export function fusedKernels(group: FusedGroup): FusedKernel[] | null {
  const nodes = nodesOf(group);
  const size = group.shape.reduce((a, b) => a * b, 1);
  const kernels: FusedKernel[] = [];
  for (const out of group.outputs) {
    const root = nodes.get(out)!;
    if ("helper" in root && root.args.every((a) => readsInOrder(a, group.shape))) {
      // One op on whole values: the single-op kernel itself, compiled once for both paths.
      kernels.push({ out, reads: root.args.map((a) => (a as { read: Var }).read), spec: mapSpec(root.helper, root.args.length, size) });
      continue;
    }
    const { source, reads, helpers } = kernelFor(root, group.shape);
    if (reads.length > MAX_TEXTURES) return null;
    const alias = readsInOrder(root, group.shape) ? root.read : undefined;
    kernels.push({ out, reads, alias, spec: { key: `fused ${size} ${source}`, size, source: () => source, helpers } });
  }
  return kernels;
}
