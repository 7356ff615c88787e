/** Backend selection: the CPU reference backend is registered, and selected unless one already is. */
import { cpuBackend } from "@lintra/backend-cpu";
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
if (!hasBackend()) setBackend(cpuBackend);
