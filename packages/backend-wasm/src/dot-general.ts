import type { KernelTable } from "@lintra/core-ir";
import type { WasmBuffer } from "./memory.js";

export const dotGeneralKernels: KernelTable<WasmBuffer> = {};
