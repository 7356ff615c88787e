import { cpuBackend } from "@lintra/backend-cpu";
import { BackendError, ConcreteArray, DTypeError, ShapedArray, UnsupportedPrimitiveError, bind1, setBackend } from "@lintra/core-ir";
import { GPU } from "gpu.js";
import { describe, expect, test } from "vitest";
import { describeGL, host } from "../test/gl.js";
import { INT_LIMIT, createGpujsBackend, gpujsBackend } from "./index.js";
import { Runtime } from "./runtime.js";

const compiledAtImport = gpujsBackend.compiledKernels;

describe("createGpujsBackend", () => {
  test("importing the package starts no GL context and compiles nothing", () => {
    expect(compiledAtImport).toBe(0);
    expect(gpujsBackend.name).toBe("gpujs");
    expect([...gpujsBackend.dtypes].sort()).toEqual(["bool", "float32", "int32"]);
  });

  test("a GL mode that is not there is a BackendError on first use, never a fallback", () => {
    const backend = createGpujsBackend({ mode: "webgl2" });
    expect(GPU.isWebGL2Supported).toBe(false);
    expect(() => backend.fromTyped(Float32Array.of(1), new ShapedArray([1], "float32"))).toThrow(BackendError);
    expect(() => backend.mode).toThrow(/'webgl2' is not available.*never falls back/);
  });

  test("float64 is not among its dtypes, so bind raises UnsupportedPrimitiveError", () => {
    setBackend(gpujsBackend);
    const x = host([1, 2], [2], "float64");
    expect(() => bind1("exp", [x], {})).toThrow(UnsupportedPrimitiveError);
  });

  test("int32 data beyond ±(2^24 − 1) is refused by name, not rounded", () => {
    expect(INT_LIMIT).toBe(2 ** 24);
    const aval = new ShapedArray([2], "int32");
    expect(() => gpujsBackend.fromTyped(Int32Array.of(0, 2 ** 24), aval)).toThrow(DTypeError);
    expect(() => gpujsBackend.fromTyped(Int32Array.of(0, -(2 ** 24)), aval)).toThrow(/2\^24/);
  });
});

describeGL("gpujsBackend on headless GL", () => {
  const f32 = (data: number[]) => ConcreteArray.fromTyped(data, [data.length], "float32", gpujsBackend);
  const i32 = (data: number[]) => ConcreteArray.fromTyped(data, [data.length], "int32", gpujsBackend);

  test("runs in headless GL mode", () => {
    expect(GPU.isHeadlessGLSupported).toBe(true);
    expect(gpujsBackend.mode).toBe("headlessgl");
  });

  test("keeps results on the GPU as textures until they are read", () => {
    setBackend(gpujsBackend);
    const y = bind1("exp", [f32([0, 1])], {}) as ConcreteArray;
    const buf = y.buffer as { texture: { delete: unknown } | null; host: Float32Array | null };
    expect(typeof buf.texture?.delete).toBe("function");
    expect(buf.host).toBeNull();
    expect(y.readSync()).toBeAllclose([1, Math.E]);
    expect(buf.host).not.toBeNull();
  });

  test("compiles one kernel per primitive, dtype class and shape, and reuses it", () => {
    setBackend(gpujsBackend);
    const x = f32([1, 2, 3]);
    bind1("sinh", [x], {});
    const after = gpujsBackend.compiledKernels;
    bind1("sinh", [f32([4, 5, 6])], {});
    expect(gpujsBackend.compiledKernels).toBe(after);
    bind1("sinh", [f32([4, 5])], {});
    expect(gpujsBackend.compiledKernels).toBe(after + 1);
  });

  test("a loop that releases its results keeps the number of live textures constant", () => {
    setBackend(gpujsBackend);
    let x = f32([0.5, 0.25, 0.125]);
    const gl = (x.buffer as { texture: { context: WebGLRenderingContext } }).texture.context;
    const live = new Set<unknown>();
    const [create, remove] = [gl.createTexture.bind(gl), gl.deleteTexture.bind(gl)];
    gl.createTexture = () => {
      const t = create();
      live.add(t);
      return t;
    };
    gl.deleteTexture = (t) => (live.delete(t), remove(t));
    try {
      const counts: number[] = [];
      for (let step = 0; step < 60; step++) {
        const y = bind1("tanh", [x], {}) as ConcreteArray;
        x.dispose();
        x = y;
        counts.push(live.size);
      }
      expect(counts[59]).toBe(counts[9]);
    } finally {
      gl.createTexture = create;
      gl.deleteTexture = remove;
    }
  });

  test("reshape shares the texture; each handle is released once", () => {
    setBackend(gpujsBackend);
    const x = f32([1, 2, 3, 4]);
    const y = bind1("reshape", [x], { newSizes: [2, 2] }) as ConcreteArray;
    x.dispose();
    expect(y.readSync()).toEqual(Float32Array.of(1, 2, 3, 4));
    y.dispose();
  });

  test("an int32 result beyond ±(2^24 − 1) throws when read instead of returning a rounded value", () => {
    setBackend(gpujsBackend);
    const big = bind1("add", [i32([2 ** 24 - 1]), i32([1])], {}) as ConcreteArray;
    expect(() => big.readSync()).toThrow(DTypeError);
    // Poison spreads through integer work, except where the answer is known: 0 · anything = 0.
    expect(() => (bind1("sub", [big, i32([5])], {}) as ConcreteArray).readSync()).toThrow(/exact int32 range/);
    expect((bind1("mul", [big, i32([0])], {}) as ConcreteArray).readSync()).toEqual(Int32Array.of(0));
  });

  test("int32 sums are exact when the result fits, even when partial sums do not", () => {
    setBackend(gpujsBackend);
    const x = i32([2 ** 23, 2 ** 23, -(2 ** 23), 7]);
    expect((bind1("reduce_sum", [x], { axes: [0] }) as ConcreteArray).readSync()).toEqual(Int32Array.of(2 ** 23 + 7));
    // 8191 · 4097 = 33558527 > 2^24: the products are carried exactly, so they cancel exactly.
    const dims = { lhsContracting: [0], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };
    expect((bind1("dot_general", [i32([8191, 8191, 3]), i32([4097, -4097, 5])], dims) as ConcreteArray).readSync()).toEqual(Int32Array.of(15));
    expect(() => (bind1("dot_general", [i32([8191]), i32([4097])], dims) as ConcreteArray).readSync()).toThrow(DTypeError);
  });

  test("a shader that does not compile is a BackendError, not a silent CPU fallback", () => {
    const rt = new Runtime("headlessgl");
    const spec = { key: "broken", size: 1, source: () => "function(one, zero, inf, nan) { return lt_missing(1); }" };
    expect(() => rt.run(spec, [])).toThrow(BackendError);
  });

  test("the kernel cache is bounded: an evicted kernel gives its program back, and what it returned stays readable", () => {
    const rt = new Runtime("headlessgl", 1);
    const spec = (key: string, value: number) => ({ key, size: 2, source: () => `function(one, zero, inf, nan) { return ${value.toFixed(1)}; }` });
    const first = rt.run(spec("two", 2), []);
    const second = rt.run(spec("three", 3), []); // evicts "two", deleting its GL program
    expect(rt.compiledKernels).toBe(1);
    expect(rt.download(first)).toEqual(Float32Array.of(2, 2));
    expect(rt.download(second)).toEqual(Float32Array.of(3, 3));
    expect(rt.download(rt.run(spec("two", 2), []))).toEqual(Float32Array.of(2, 2)); // rebuilt
    rt.release(first);
    rt.release(second);
  });

  test("agrees with backend-cpu after moving arrays between the two", () => {
    setBackend(gpujsBackend);
    const x = host([0.5, -1.5, 2]);
    const y = bind1("mul", [x, f32([2, 2, 2])], {}) as ConcreteArray;
    expect(y.backend).toBe(gpujsBackend);
    expect(y.readSync()).toEqual(Float32Array.of(1, -3, 4));
    setBackend(cpuBackend);
    expect((bind1("neg", [y], {}) as ConcreteArray).readSync()).toEqual(Float32Array.of(-1, 3, -4));
  });
});
