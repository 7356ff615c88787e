/**
 * Backend selection. The CPU reference backend and the WebAssembly backend are registered;
 * on import, wasm is selected where the engine runs WebAssembly SIMD, cpu otherwise
 * (unless a backend was already selected).
 */
import { cpuBackend } from "@lintra/backend-cpu";
import { wasmBackend, wasmSimdSupported } from "@lintra/backend-wasm";
import { registerBackend } from "@lintra/core-ir";
import { selectUnlessSelected } from "./select-backend.js";

registerBackend(cpuBackend);
registerBackend(wasmBackend);
selectUnlessSelected(wasmSimdSupported() ? wasmBackend : cpuBackend);
