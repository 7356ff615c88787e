// The page side of the browser test: every conformance case on the gpujs backend in
// WebGL2, compared with backend-cpu in the same page, under the same declared numerics as
// in Node (GPU_NUMERICS). The test in src/browser.test.ts bundles this file, serves it and reads the results.
import { cpuBackend } from "@lintra/backend-cpu";
import { MODES, casesFor, composites, runCase, runGradientCheck } from "@lintra/conformance";
import { firstOrderPrimitives } from "@lintra/core-ir";
import { GPU } from "gpu.js";
import { GPU_NUMERICS, createGpujsBackend } from "../../src/index.js";

export interface PageResult {
  readonly mode: string;
  readonly webglMode: string;
  readonly webgl2: boolean;
  readonly renderer: string;
  readonly results: Record<string, string[]>;
}

function renderer(): string {
  const gl = document.createElement("canvas").getContext("webgl2");
  const info = gl?.getExtension("WEBGL_debug_renderer_info");
  return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "none";
}

/** Run every case; a thrown error is that case's problem, not the page's. */
async function run(): Promise<PageResult> {
  const backend = createGpujsBackend({ mode: "webgl2" });
  const results: Record<string, string[]> = {};
  const attempt = (name: string, fn: () => string[]) => {
    try {
      results[name] = fn();
    } catch (e) {
      results[name] = [`threw ${(e as Error).name}: ${(e as Error).message}`];
    }
  };
  for (const def of firstOrderPrimitives()) {
    for (const c of backend.dtypes.flatMap((d) => casesFor(def.name, d))) {
      attempt(c.name, () => runCase(backend, c, cpuBackend, GPU_NUMERICS));
      await new Promise((r) => setTimeout(r, 0)); // let the page breathe between cases
    }
  }
  for (const c of composites) for (const mode of MODES) attempt(`${mode} ${c.name} float32`, () => runGradientCheck(backend, c, mode, "float32"));
  // WebGL 1 compiles the same kernels as GLSL ES 1.00: the gradients of the composites
  // (matmul, reductions, gather and scatter among them) on it too.
  const webgl = createGpujsBackend({ mode: "webgl" });
  for (const c of composites) for (const mode of MODES) attempt(`webgl: ${mode} ${c.name} float32`, () => runGradientCheck(webgl, c, mode, "float32"));
  return { mode: backend.mode, webglMode: webgl.mode, webgl2: GPU.isWebGL2Supported, renderer: renderer(), results };
}

(window as unknown as { conformance: () => Promise<PageResult> }).conformance = run;
