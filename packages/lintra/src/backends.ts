/**
 * Backend selection. The CPU reference backend and the WebAssembly backend are registered;
 * on import, wasm is selected where the engine runs WebAssembly SIMD, cpu otherwise
 * (unless a backend was already selected).
 */
import { cpuBackend } from "@lintra/backend-cpu";
import { wasmBackend, wasmSimdSupported } from "@lintra/backend-wasm";
import { BackendError, getBackend, registerBackend, setBackend } from "@lintra/core-ir";

export { backendNames, getBackend, registerBackend, setBackend, type Backend } from "@lintra/core-ir";

function hasBackend(): boolean {
  try {
    getBackend();
    return true;
  } catch (e) {
    if (e instanceof BackendError) return false;
    throw e;
  }
}

registerBackend(cpuBackend);
registerBackend(wasmBackend);
if (!hasBackend()) setBackend(wasmSimdSupported() ? wasmBackend : cpuBackend);
