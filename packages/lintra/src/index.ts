/**
 * lintra: automatic differentiation for TypeScript. Reverse mode is linearize, then transpose.
 * Registers the WebAssembly and CPU backends (see backends.ts); `lintra/wasm` leaves the CPU one out.
 */
import "./backends.js";

export * from "./api.js";
