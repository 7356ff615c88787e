import { packageConfig } from "../../vitest.shared.ts";

// gpu.js compiles a shader per kernel and size through headless GL: seconds each when
// turbo runs every package's tests at once, so a test that builds dozens takes minutes.
export default packageConfig("@lintra/backend-gpujs", { testTimeout: 240_000 });
