/**
 * Inputs that could take the process down run in a child process (crash-cases.ts): each
 * must be a typed lintra error, and the process must live on and compute correctly.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as lintra from "../../src/index.js";
import { BACKENDS } from "./harness.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const tsx = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));

describe.each(BACKENDS)("process-ending inputs (%s)", (backend) => {
  it("are typed errors, and the process survives and computes", () => {
    const child = spawnSync(tsx, ["--conditions=@lintra/source", "crash-cases.ts", backend], { cwd: here, encoding: "utf8", timeout: 120_000 });
    expect(child.signal, child.stderr).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    const lines = child.stdout.trim().split("\n").map((l) => JSON.parse(l) as { name: string; error?: string; gradient?: number[] });
    const results = lines.filter((l) => l.name !== "afterwards");
    expect(results.length).toBe(8);
    for (const r of results) {
      const type = (lintra as Record<string, unknown>)[r.error!];
      expect(typeof type === "function" && (type as { prototype: unknown }).prototype instanceof lintra.LintraError, `${r.name}: ${r.error}`).toBe(true);
    }
    expect(lines.at(-1)).toEqual({ name: "afterwards", gradient: [2, 4] });
  });
});
