import { gzipSync } from "node:zlib";
import { esbuild } from "./tools.js";

export interface Bundle {
  /** The minified script. */
  readonly text: string;
  readonly minifiedBytes: number;
  /** Gzipped at level 9. */
  readonly gzipBytes: number;
  /** The files esbuild put in it, relative to the project. */
  readonly inputs: readonly string[];
}

/**
 * Bundle `entry` for the browser as a user's build would: esbuild with its defaults (no
 * custom conditions, so packages resolve to dist/), minified, one ES module.
 */
export async function bundleForBrowser(app: string, entry: string): Promise<Bundle> {
  const out = await esbuild().build({
    absWorkingDir: app,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const bytes = out.outputFiles[0].contents;
  return {
    text: out.outputFiles[0].text,
    minifiedBytes: bytes.byteLength,
    gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
    inputs: Object.keys(out.metafile.inputs),
  };
}
