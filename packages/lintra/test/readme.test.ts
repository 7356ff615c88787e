/**
 * The READMEs' examples run. Every ```ts block of a README that imports from lintra (or a
 * @lintra package) is an example; a README's examples run in order as one module (later
 * blocks may use what earlier ones defined), with their imports merged. Blocks without an
 * import are fragments (an error message, a one-liner) and are not run.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { setBackend } from "../src/index.js";

const root = new URL("../../../", import.meta.url);
const READMES = ["README.md", ...["lintra", "core-ir", "jvp", "transpose", "vmap", "backend-cpu", "backend-wasm"].map((p) => `packages/${p}/README.md`)];
const IMPORT = /^import\s+\{([^}]*)\}\s+from\s+"([^"]+)";\s*$/;

/** The examples of one README: their imports merged per module, and their bodies in order. */
function examples(markdown: string): { imports: Map<string, Set<string>>; body: string; blocks: number } {
  const imports = new Map<string, Set<string>>();
  const bodies: string[] = [];
  for (const [, code] of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const lines = code.split("\n");
    if (!lines.some((l) => IMPORT.test(l))) continue;
    for (const line of lines) {
      const m = IMPORT.exec(line);
      if (!m) continue;
      const names = imports.get(m[2]) ?? new Set<string>();
      for (const n of m[1].split(",").map((x) => x.trim()).filter(Boolean)) names.add(n);
      imports.set(m[2], names);
    }
    bodies.push(lines.filter((l) => !IMPORT.test(l)).join("\n"));
  }
  return { imports, body: bodies.join("\n"), blocks: bodies.length };
}

/** Generated modules live where the package resolves "lintra" but the compiler does not look (node_modules). */
const cache = fileURLToPath(new URL("../node_modules/.cache/readme-examples/", import.meta.url));

describe("README examples", () => {
  it.each(READMES)("%s runs", async (readme) => {
    const { imports, body, blocks } = examples(readFileSync(new URL(readme, root), "utf8"));
    expect(blocks, `${readme} has examples`).toBeGreaterThan(0);
    const header = [...imports].map(([from, names]) => `import { ${[...names].join(", ")} } from "${from}";`).join("\n");
    mkdirSync(cache, { recursive: true });
    const file = `${cache}${readme.replaceAll("/", "_")}.ts`;
    writeFileSync(file, `${header}\nexport {};\nconsole.log = () => {};\n${body}\n`);
    const log = console.log;
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      console.log = log;
      setBackend("wasm");
    }
  });
});
