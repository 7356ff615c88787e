import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const script = fileURLToPath(new URL("../test/no-display.ts", import.meta.url));

describe("headless GL that cannot start", () => {
  it("says that the display is what is missing when 'gl' is installed", () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    const child = spawnSync(tsx, ["--conditions=@lintra/source", script], { encoding: "utf8", env, timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/^BackendError: backend 'gpujs': GL mode 'headlessgl' is not available: the package 'gl' is installed, but it cannot open a GL context: there is no display; run under a display: `xvfb-run -a/);
  });
});
