import { type SingleKernelTable, type ShapedArray, UnsupportedPrimitiveError } from "@lintra/core-ir";
import { ELEMENTWISE_PRIMS, type ElementwisePrim, elementOp } from "./elementwise-ops.js";
import type { Helper } from "./glsl.js";
import type { GpujsBuffer, KernelSpec, Runtime } from "./runtime.js";
import { kernelSource, keyOf, operandNames } from "./source.js";

type Kernel = (inputs: GpujsBuffer[], avals: ShapedArray[], params: unknown, out: ShapedArray) => GpujsBuffer;

/** out[i] = helper(x[i], y[i], …) for operands of one shape, the helper from the op table; an identity shares its operand. */
function elementwiseKernel(rt: () => Runtime, prim: ElementwisePrim): Kernel {
  return (inputs, avals, params, out) => {
    const op = elementOp(prim, avals.map((a) => a.dtype), params);
    if (!op) throw new UnsupportedPrimitiveError(prim, "gpujs", avals[0].dtype);
    if (op === "identity") return rt().share(inputs[0]);
    return rt().run(mapSpec(op.helper, inputs.length, out.size), inputs);
  };
}

/** The kernel out[i] = helper(a0[i], a1[i], …): an op on operands of the output's shape. */
export function mapSpec(h: Helper, arity: number, size: number): KernelSpec {
  const names = operandNames(arity);
  const source = () => kernelSource(names, [`return ${h.name}(${names.map((a) => `${a}[i]`).join(", ")});`]);
  return { key: keyOf("map", h.name, size), size, source, helpers: [h] };
}

function iota(rt: () => Runtime, shape: readonly number[], dimension: number, out: ShapedArray): GpujsBuffer {
  const inner = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
  const source = () => kernelSource([], [`return Math.floor(i / ${inner}) % ${shape[dimension]};`]);
  return rt().run({ key: keyOf("iota", shape, dimension), size: out.size, source }, []);
}

export function elementwiseKernels(rt: () => Runtime): SingleKernelTable<GpujsBuffer> {
  const kernels = Object.fromEntries(ELEMENTWISE_PRIMS.map((prim) => [prim, elementwiseKernel(rt, prim)])) as {
    [P in ElementwisePrim]: Kernel;
  };
  return {
    ...kernels,
    iota: (_inputs, _avals, { shape, dimension }, out) => iota(rt, shape, dimension, out),
  };
}
