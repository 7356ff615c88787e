import { type AnyTypedArray, type Backend, type DType, type FirstOrderPrim, type Program, type SingleKernelTable, allocTyped, defineBackend, runSlots, singleOutputKernels } from "@lintra/core-ir";
import { cpuBackend, cpuKernels } from "@lintra/backend-cpu";

type AnyKernel = (inputs: AnyTypedArray[], avals: any[], params: any, out: any) => AnyTypedArray;

/**
 * backend-cpu with some kernels replaced or removed and, optionally, fewer dtypes. Without
 * backend-cpu's `compile`, which would run its own kernels: `jit` interprets the program
 * with these.
 */
export function variant(name: string, changes: { replace?: Partial<Record<FirstOrderPrim, AnyKernel>>; remove?: FirstOrderPrim[]; dtypes?: DType[] } = {}): Backend<AnyTypedArray> {
  const kernels: Record<string, unknown> = { ...cpuKernels, ...changes.replace };
  for (const prim of changes.remove ?? []) delete kernels[prim];
  const { compile: _, ...base } = cpuBackend;
  return defineBackend<AnyTypedArray>({ ...base, name, dtypes: changes.dtypes ?? cpuBackend.dtypes, kernels: singleOutputKernels(kernels as SingleKernelTable<AnyTypedArray>) });
}

/** A kernel computing `op` elementwise over its inputs. */
export const mapKernel =
  (op: (...xs: number[]) => number): AnyKernel =>
  (inputs, _avals, _params, out) => {
    const y = allocTyped(out.dtype, out.size);
    for (let i = 0; i < y.length; i++) y[i] = op(...inputs.map((x) => x[i]));
    return y;
  };

/** The reference kernel of `prim`, as a plain function. */
export const reference = (prim: FirstOrderPrim): AnyKernel => cpuKernels[prim] as unknown as AnyKernel;

/**
 * `base` with a `compile` that counts its calls and runs the program kernel by kernel on
 * `interpreter` (default: the backend itself), its outputs fresh buffers as the contract asks.
 */
export function compiling(base: Backend<AnyTypedArray>, interpreter?: Backend<AnyTypedArray>): { backend: Backend<AnyTypedArray>; calls: () => number } {
  let calls = 0;
  const backend: Backend<AnyTypedArray> = defineBackend<AnyTypedArray>({
    ...base,
    name: `${base.name}-compiling`,
    compile: (program: Program) => {
      calls++;
      const on = interpreter ?? backend;
      return (inputs) =>
        runSlots(program, on, inputs.map((buffer) => ({ buffer, owned: false }))).map((s, i) => {
          const buffer = s.buffer as AnyTypedArray;
          return s.owned ? buffer : on.fromTyped(buffer.slice(), program.outs[i].aval);
        });
    },
  });
  return { backend, calls: () => calls };
}
