import { describeBackend } from "@lintra/conformance";
import { GPU } from "gpu.js";
import { describe, expect, it } from "vitest";
import { describeGL, glAvailable } from "../test/gl.js";
import { GPU_NUMERICS, gpujsBackend } from "./index.js";

// The conformance suite, compared with backend-cpu under the GPU numerics it declares:
// float32 subnormals flushed, int32 exact below 2^24 (beyond, a DTypeError naming the
// backend). Every case runs; none is left out.

describe("gpujsBackend in Node", () => {
  it("runs on headless GL, not on a gpu.js fallback", () => {
    expect(glAvailable || !process.env.CI).toBe(true);
    if (!glAvailable) return;
    expect(GPU.isHeadlessGLSupported).toBe(true);
    expect(gpujsBackend.mode).toBe("headlessgl");
  });
});

describeGL("gpujs", () => describeBackend(gpujsBackend, { numerics: GPU_NUMERICS }));
