/**
 * Backend selection with bad values: a number, an empty or partial backend object, an
 * unknown name. Typed errors from setBackend / registerBackend; the current backend is
 * unchanged afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackendError, getBackend, registerBackend, setBackend } from "../../src/index.js";
import { BACKENDS, expectHealthy, expectTypedError } from "./harness.js";

const fromTyped = (): number => 0;
const release = (): void => undefined;

describe.each(BACKENDS)("backend selection (%s current)", (backend) => {
  beforeEach(() => setBackend(backend));
  afterEach(() => {
    expect(getBackend().name).toBe(backend);
    expectHealthy(backend);
  });

  it.each([
    ["a number", 42, "setBackend: expected a backend name"],
    ["null", null, "setBackend: expected a backend name"],
    ["an unknown name", "tpu", "setBackend: unknown backend 'tpu'"],
    ["an empty object", {}, "lacks name"],
    ["an object without kernels", { name: "half", dtypes: ["float32"], fromTyped, read: () => new Float32Array(), release }, "lacks kernels"],
    ["an object without read", { name: "half", dtypes: ["float32"], fromTyped, release, kernels: {} }, "read (a function)"],
  ])("%s is refused and changes nothing", (_, bad, message) => {
    expectTypedError(() => setBackend(bad as never), BackendError, message);
  });

  it("gpujs without its register import names the package and the import to add", () => {
    expectTypedError(() => setBackend("gpujs"), BackendError, "unknown backend 'gpujs'", "install @lintra/backend-gpujs", 'import "@lintra/backend-gpujs/register"');
  });

  it("registerBackend checks the object too", () => {
    expectTypedError(() => registerBackend({ name: "x" } as never), BackendError, "registerBackend", "dtypes");
  });
});
