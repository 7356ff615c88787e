import { type Backend, BackendError, getBackend, setBackend } from "@lintra/core-ir";

function hasBackend(): boolean {
  try {
    getBackend();
    return true;
  } catch (e) {
    if (e instanceof BackendError) return false;
    throw e;
  }
}

/** Select `backend` unless one is selected already (by the user, or by another entry point). */
export function selectUnlessSelected(backend: Backend<any>): void {
  if (!hasBackend()) setBackend(backend);
}
