/**
 * lintra with the WebAssembly backend only (`import … from "lintra/wasm"`): the same API as
 * the main entry, without the CPU reference backend, so a bundle leaves its code out.
 */
import "./backends-wasm.js";

export * from "./api.js";
