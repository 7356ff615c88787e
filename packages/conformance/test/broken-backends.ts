import { type AnyTypedArray, type Backend, type DType, type SingleKernelTable, type FirstOrderPrim, allocTyped, defineBackend, singleOutputKernels } from "@lintra/core-ir";
import { cpuBackend, cpuKernels } from "@lintra/backend-cpu";

type AnyKernel = (inputs: AnyTypedArray[], avals: any[], params: any, out: any) => AnyTypedArray;

/** backend-cpu with some kernels replaced or removed and, optionally, fewer dtypes. */
export function variant(name: string, changes: { replace?: Partial<Record<FirstOrderPrim, AnyKernel>>; remove?: FirstOrderPrim[]; dtypes?: DType[] } = {}): Backend<AnyTypedArray> {
  const kernels: Record<string, unknown> = { ...cpuKernels, ...changes.replace };
  for (const prim of changes.remove ?? []) delete kernels[prim];
  return defineBackend<AnyTypedArray>({ ...cpuBackend, name, dtypes: changes.dtypes ?? cpuBackend.dtypes, kernels: singleOutputKernels(kernels as SingleKernelTable<AnyTypedArray>) });
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
