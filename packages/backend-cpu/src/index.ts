import { type AnyTypedArray, type Backend, type CompleteSingleKernelTable, type Program, defineBackend, singleOutputKernels } from "@lintra/core-ir";
import { compileProgram } from "./compile.js";
import { dotGeneralKernels } from "./dot-general.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { movementKernels } from "./movement.js";
import { reduceKernels } from "./reduce.js";

/**
 * Every primitive's kernel. Typed as complete, so declaring a new primitive without a
 * reference kernel is a compile error here.
 */
export const cpuKernels: CompleteSingleKernelTable<AnyTypedArray> = {
  ...elementwiseKernels,
  ...movementKernels,
  ...reduceKernels,
  ...dotGeneralKernels,
  ...indexingKernels,
};

/**
 * The reference backend: buffers are plain typed arrays (bool as 0/1 bytes), kept as given;
 * kernels never mutate their inputs and always return a fresh array; memory is left to the GC.
 */
export const cpuBackend: Backend<AnyTypedArray> = defineBackend<AnyTypedArray>({
  name: "cpu",
  dtypes: ["float32", "float64", "int32", "bool"],
  fromTyped: (data) => data,
  read: (buf) => buf,
  release: () => {},
  garbageCollected: true,
  kernels: singleOutputKernels(cpuKernels),
  /** `jit`'s programs as one generated function, elementwise chains fused (see compile.ts). */
  compile: (program: Program) => compileProgram(program, cpuBackend),
});
