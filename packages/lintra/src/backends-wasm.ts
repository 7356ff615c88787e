/**
 * Backend selection without the CPU reference backend: only the WebAssembly backend is
 * registered, and selected on import where the engine runs WebAssembly SIMD (unless a backend
 * was already selected). Elsewhere nothing is selected until `setBackend` is called.
 */
import { wasmBackend, wasmSimdSupported } from "@lintra/backend-wasm";
import { registerBackend } from "@lintra/core-ir";
import { selectUnlessSelected } from "./select-backend.js";

registerBackend(wasmBackend);
if (wasmSimdSupported()) selectUnlessSelected(wasmBackend);
