import type { SingleKernelTable } from "@lintra/core-ir";
import { dotGeneralKernels } from "./dot-general.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import type { WasmBuffer } from "./memory.js";
import { movementKernels } from "./movement.js";
import { reduceKernels } from "./reduce.js";

/** Every kernel of the backend, by primitive, in one-output form (eager calls and compiled programs share them). */
export const wasmKernels: SingleKernelTable<WasmBuffer> = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...dotGeneralKernels,
  ...movementKernels,
  ...indexingKernels,
};
