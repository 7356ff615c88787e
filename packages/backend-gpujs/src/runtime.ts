import { BackendError, LruCache } from "@lintra/core-ir";
import { GPU, HeadlessGLKernel, type IKernelRunShortcut, type Texture, WebGL2Kernel, WebGLKernel } from "gpu.js";
import { type Helper, UNIFORM_PARAMS, UNIFORM_VALUES, helperClosure } from "./glsl.js";

/** Where gpu.js runs the kernels: a real GL context, in Node (headless GL) or a browser. */
export type GpujsMode = "headlessgl" | "webgl2" | "webgl";

/** A buffer: a float32 texture of `size` elements (null when empty or released), and a read-back cache. */
export interface GpujsBuffer {
  readonly size: number;
  texture: Texture | null;
  host: Float32Array | null;
}

/**
 * One kernel: its source (a gpu.js kernel function as text, every shape baked in), the
 * helpers it calls, and the number of outputs. `key` names everything the source depends
 * on, so that equal keys share one compiled kernel.
 */
export interface KernelSpec {
  readonly key: string;
  readonly size: number;
  readonly source: () => string;
  readonly helpers?: readonly Helper[];
}

/** The most elements a kernel writes: output indices are float32 integers. */
const MAX_SIZE = 2 ** 24;

/** An empty buffer: nothing on the GPU. */
export const empty = (): GpujsBuffer => ({ size: 0, texture: null, host: new Float32Array(0) });

/**
 * gpu.js includes a native function only when the kernel calls it, and never looks inside
 * one for further calls. So the first helper the kernel source calls carries the GLSL of
 * every helper it needs, callees first; the other called ones are declared (for their
 * types) with no text.
 */
function nativeEntries(helpers: readonly Helper[], source: string) {
  const called = helpers.filter((h) => new RegExp(`\\b${h.name}\\(`).test(source));
  const bundle = helperClosure(helpers)
    .map((h) => h.glsl)
    .join("\n");
  return called.map((h, k) => {
    const params = /\(([^)]*)\)/.exec(h.glsl)![1].split(",").map((p) => p.trim().split(/\s+/).pop()!);
    return { name: h.name, source: k === 0 ? bundle : "", returnType: "Number", argumentTypes: Object.fromEntries(params.map((p) => [p, "Number"])) };
  });
}

const isNode = typeof process !== "undefined" && !!process.versions?.node && typeof window === "undefined";

/** The gpu.js kernel class of each mode: a kernel of any other class is a fallback. */
const KERNEL_CLASS: Record<GpujsMode, unknown> = { headlessgl: HeadlessGLKernel, webgl2: WebGL2Kernel, webgl: WebGLKernel };

function supported(mode: GpujsMode): boolean {
  switch (mode) {
    case "headlessgl":
      return GPU.isHeadlessGLSupported;
    case "webgl2":
      return GPU.isWebGL2Supported;
    case "webgl":
      return GPU.isWebGLSupported;
  }
}

/** Node: headless GL. A browser: WebGL2, else WebGL. Never a mode without GL. */
function defaultMode(): GpujsMode {
  if (isNode) return "headlessgl";
  return supported("webgl2") ? "webgl2" : "webgl";
}

/** Node's `require`, relative to this module, without importing node:module (this file also runs in browsers). */
function nodeRequire(): ((id: string) => unknown) | null {
  const getBuiltin = (globalThis.process as { getBuiltinModule?: (id: string) => unknown } | undefined)?.getBuiltinModule;
  const module = getBuiltin?.("module") as { createRequire(url: string): (id: string) => unknown } | undefined;
  return module ? module.createRequire(import.meta.url) : null;
}

/** Why headless GL is not available in Node: the `gl` package is missing (or did not build), or it has no display. */
function headlessGlProblem(): string {
  const build =
    "it is an optional native package built from source on install: install pkg-config libx11-dev libxi-dev libxext-dev libglu1-mesa-dev libglew-dev, " +
    "then `npm_config_nodedir=/usr JOBS=max pnpm rebuild gl` (or `npm rebuild gl`)";
  const display = "run under a display: `xvfb-run -a <command>` (Debian packages xvfb xauth libgl1-mesa-dri)";
  const load = nodeRequire();
  if (!load) return `gpu.js needs the native package 'gl' (8.1.6) and a display; ${build}; ${display}`;
  let createContext: (w: number, h: number) => unknown;
  try {
    createContext = load("gl") as typeof createContext;
  } catch (e) {
    return `the package 'gl' is missing or did not build (${(e as Error).message.split("\n")[0]}); ${build}`;
  }
  try {
    if (createContext(1, 1)) return "'gl' loads and opens a context, but gpu.js did not accept it";
  } catch {
    // as no context
  }
  return `the package 'gl' is installed, but it cannot open a GL context: there is no display; ${display}`;
}

function unavailable(mode: GpujsMode): BackendError {
  const hint = mode === "headlessgl" ? headlessGlProblem() : "this browser offers no such context";
  return new BackendError(
    `backend 'gpujs': GL mode '${mode}' is not available: ${hint}. ` +
      "The backend never falls back to gpu.js's CPU or WebAssembly modes; without GL, choose @lintra/backend-cpu or @lintra/backend-wasm.",
  );
}

/** The GL objects of a compiled kernel that nothing else refers to. */
function deleteProgram(shortcut: IKernelRunShortcut): void {
  const k = shortcut.kernel as unknown as { context: WebGLRenderingContext | null; program: WebGLProgram | null; vertShader: WebGLShader | null; fragShader: WebGLShader | null };
  if (!k.context) return;
  if (k.program) k.context.deleteProgram(k.program);
  if (k.vertShader) k.context.deleteShader(k.vertShader);
  if (k.fragShader) k.context.deleteShader(k.fragShader);
  k.program = k.vertShader = k.fragShader = null;
}

/** Compiled kernels a runtime keeps by default. */
export const KERNEL_CACHE_SIZE = 512;

/**
 * The GL context, the compiled kernels and the texture lifecycle of one backend instance.
 * Created on first use, so importing the package touches no GL.
 */
export class Runtime {
  readonly mode: GpujsMode;
  private readonly gpu: GPU;
  private readonly kernels: LruCache<string, IKernelRunShortcut>;

  /**
   * @param capacity Compiled kernels kept; beyond it the least recently used one gives its
   * GL program and shaders back. Not the whole kernel: the textures it returned are read
   * through its context and framebuffers, and may still be alive.
   */
  constructor(mode: GpujsMode = defaultMode(), capacity = KERNEL_CACHE_SIZE) {
    this.kernels = new LruCache(capacity, deleteProgram);
    if (!supported(mode)) throw unavailable(mode);
    this.mode = mode;
    try {
      this.gpu = new GPU({ mode });
    } catch (e) {
      throw new BackendError(`backend 'gpujs': gpu.js refused mode '${mode}': ${(e as Error).message}`);
    }
  }

  /** Compiled kernels held (one per distinct key). */
  get compiledKernels(): number {
    return this.kernels.size;
  }

  private compile(spec: KernelSpec): IKernelRunShortcut {
    const source = spec.source();
    const kernel = this.gpu.createKernel(source, {
      output: [spec.size],
      precision: "single",
      // Results stay on the GPU; each call returns a texture of its own (immutable), freed by release().
      pipeline: true,
      immutable: true,
      tactic: "precision",
      // Sizes are baked into every kernel, so none of gpu.js's per-call argument switching applies.
      dynamicArguments: false,
      dynamicOutput: false,
      nativeFunctions: nativeEntries(spec.helpers ?? [], source),
    } as never);
    this.kernels.set(spec.key, kernel);
    return kernel;
  }

  /** gpu.js replaces a kernel that fails to build with a CPU one and only warns: refuse that. */
  private checkMode(kernel: IKernelRunShortcut, spec: KernelSpec): void {
    const actual = kernel.kernel.constructor;
    if (actual !== KERNEL_CLASS[this.mode]) {
      this.kernels.delete(spec.key);
      const reason = (kernel as unknown as { fallbackReason?: string }).fallbackReason;
      throw new BackendError(`backend 'gpujs': kernel '${spec.key}' ran on gpu.js's ${actual.name} instead of '${this.mode}'` + (reason ? `: ${reason}` : ""));
    }
  }

  /**
   * Run a kernel on input buffers, then the four uniforms every kernel takes (one, zero,
   * inf, nan; see glsl.ts). The result is a texture of its own, still on the GPU.
   */
  run(spec: KernelSpec, inputs: readonly (GpujsBuffer | Float32Array)[]): GpujsBuffer {
    if (spec.size === 0) return empty();
    if (spec.size > MAX_SIZE) {
      throw new BackendError(`backend 'gpujs': kernel '${spec.key}' would write ${spec.size} elements; index arithmetic in float32 is exact only up to 2^24 = ${MAX_SIZE}`);
    }
    const kernel = this.kernels.get(spec.key) ?? this.compile(spec);
    const args = inputs.map((b) => {
      if (b instanceof Float32Array) return b;
      // An empty operand has no texture; kernels never read it, but gpu.js wants one.
      if (b.size === 0) return this.placeholder().texture!;
      if (!b.texture) throw new BackendError(`backend 'gpujs': kernel '${spec.key}' was given a released buffer`);
      return b.texture;
    });
    let out: Texture;
    try {
      out = kernel(...args, ...UNIFORM_VALUES) as Texture;
    } catch (e) {
      this.kernels.delete(spec.key);
      throw new BackendError(`backend 'gpujs': kernel '${spec.key}' failed: ${(e as Error).message}`);
    }
    this.checkMode(kernel, spec);
    return { size: spec.size, texture: out, host: null };
  }

  upload(data: Float32Array): GpujsBuffer {
    const n = data.length;
    const source = () => `function(a, ${UNIFORM_PARAMS.join(", ")}) { return a[this.thread.x]; }`;
    const buf = this.run({ key: `upload ${n}`, size: n, source }, [data]);
    buf.host = data;
    return buf;
  }

  private placeholderBuffer: GpujsBuffer | null = null;

  /** A one-element texture standing in for empty operands. */
  private placeholder(): GpujsBuffer {
    this.placeholderBuffer ??= this.upload(new Float32Array(1));
    return this.placeholderBuffer;
  }

  download(buf: GpujsBuffer): Float32Array {
    if (buf.host) return buf.host;
    if (!buf.texture) throw new BackendError("backend 'gpujs': read of a released buffer");
    const values = buf.texture.toArray() as Float32Array;
    buf.host = values.length === buf.size ? values : values.subarray(0, buf.size);
    return buf.host;
  }

  /** A second handle on the same texture (gpu.js counts references; each handle is released once). */
  share(buf: GpujsBuffer): GpujsBuffer {
    return { size: buf.size, texture: buf.texture ? buf.texture.clone() : null, host: buf.host };
  }

  release(buf: GpujsBuffer): void {
    buf.texture?.delete();
    buf.texture = null;
    buf.host = null;
  }
}
