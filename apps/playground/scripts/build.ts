import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const appDir = fileURLToPath(new URL("..", import.meta.url));

/** Where `pnpm build` writes the page. */
export const DIST = join(appDir, "dist");

/** One file of the built page and its size, raw and gzipped, in bytes. */
export interface BuiltFile {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Bundle the page into `outDir`: index.html, bundle.js (lintra, CodeMirror, uPlot and
 * sucrase, minified), bundle.css, and the gpujs backend's chunk (gpu.js), which the page
 * imports when that backend is chosen. Nothing is loaded from elsewhere at run time.
 */
export async function buildPage(outDir: string = DIST): Promise<BuiltFile[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { bundle: join(appDir, "src/main.ts") },
    outdir: outDir,
    bundle: true,
    minify: true,
    // lintra's errors name themselves after their class (`ShapeError`): keep class names.
    keepNames: true,
    format: "esm",
    // The gpujs backend is imported on demand: its own chunk.
    splitting: true,
    chunkNames: "[name]-[hash]",
    platform: "browser",
    target: "es2022",
    conditions: ["@lintra/source"],
    legalComments: "none",
    logLevel: "warning",
  });
  copyFileSync(join(appDir, "src/index.html"), join(outDir, "index.html"));
  return readdirSync(outDir).sort().map((name) => {
    const body = readFileSync(join(outDir, name));
    return { name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const started = performance.now();
  const files = await buildPage();
  const line = (name: string, bytes: number, gzipBytes: number) => console.log(`${name.padEnd(22)} ${kB(bytes).padStart(10)}  ${kB(gzipBytes).padStart(9)} gzipped`);
  for (const f of files) line(f.name, f.bytes, f.gzipBytes);
  line("total", sum(files.map((f) => f.bytes)), sum(files.map((f) => f.gzipBytes)));
  console.log(`built ${DIST} in ${(performance.now() - started).toFixed(0)} ms`);
}
