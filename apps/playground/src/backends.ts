import { getBackend, setBackend } from "lintra";
import { type Outcome, describeError } from "./errors.js";

/** The backends the page offers: WebAssembly SIMD, the CPU reference, gpu.js on WebGL. */
export const BACKENDS = ["wasm", "cpu", "gpujs"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The backend lintra runs on now. */
export function currentBackend(): string {
  return getBackend().name;
}

// gpu.js is over a third of the page's script: its chunk loads when gpujs is first chosen.
const registerGpujs = () => import("@lintra/backend-gpujs/register");

/** Switch backends; a backend that cannot start says why. */
export async function switchBackend(name: BackendName): Promise<Outcome<string>> {
  try {
    if (name === "gpujs") await registerGpujs();
    setBackend(name);
    return { ok: true, value: currentBackend() };
  } catch (e) {
    return { ok: false, error: describeError(e) };
  }
}
