import {
  type AnyTypedArray,
  type Backend,
  type ConcreteArray,
  type Executable,
  type FirstOrderPrim,
  type Program,
  bufferOn,
  compileSource,
  dce,
  runSlots,
} from "@lintra/core-ir";

/**
 * `jit`'s programs on backend-cpu: the program written as one JavaScript function by
 * core-ir's source generator, elementwise chains fused into single loops (each value rounded
 * to its dtype as a typed array would store it, so results equal the kernels' bit for bit),
 * every other first-order equation a call of this backend's own kernel, compiled once by the
 * engine. Constants are passed in, not written as literals. Where the page forbids compiling
 * code (a Content-Security-Policy without 'unsafe-eval'), the program runs kernel by kernel.
 */
export function compileProgram(program: Program, backend: Backend<AnyTypedArray>): Executable<AnyTypedArray> {
  const { source, constants, calls } = compileSource(dce(program), { fuse: true, constantsAsInput: true, kernelCalls: true });
  let fn: (...args: unknown[]) => AnyTypedArray[];
  try {
    fn = new Function(`return ${source}`)();
  } catch {
    return (inputs) => runSlots(program, backend, inputs.map((buffer) => ({ buffer, owned: false }))).map((s) => s.buffer as AnyTypedArray);
  }
  const kernels = calls.map((eqn) => {
    const kernel = backend.kernels[eqn.prim as FirstOrderPrim]!;
    const avals = eqn.inputs.map((a) => a.aval);
    const outs = eqn.outs.map((v) => v.aval);
    return (ins: AnyTypedArray[]) => kernel(ins, avals, eqn.params as never, outs)[0];
  });
  const kernel = (k: number, ins: AnyTypedArray[]) => kernels[k](ins);
  const held = constants as ConcreteArray[];
  return (inputs) => fn(...inputs, held.map((c) => bufferOn(c.backend, c.buffer, c.aval, backend).buffer), kernel);
}
