import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exec } from "./exec.js";
import { build, pack, publishablePackages } from "./workspace.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

export interface Installation {
  /** One tarball per publishable package. */
  readonly tarballs: readonly string[];
  /** A fresh project (`"type": "module"`) holding the installed tarballs and the fixtures. */
  readonly app: string;
  /** Delete the project and the tarballs (a large tree: it takes seconds on a loaded machine). */
  remove(): Promise<void>;
}

/**
 * Build and pack every publishable package, then install all the tarballs together into a
 * fresh project outside the repository with plain npm, as a user would. Install scripts are
 * not run: the optional native `gl` build of backend-gpujs is not needed here.
 */
export async function packAndInstall(): Promise<Installation> {
  const packages = publishablePackages();
  await build(packages);
  const root = mkdtempSync(join(tmpdir(), "lintra-install-"));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const app = join(root, "app");
    const tarballs = await pack(packages, join(root, "tarballs"));
    cpSync(FIXTURES, app, { recursive: true });
    writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "lintra-install-check-app", private: true, type: "module" }, null, 2)}\n`);
    await exec("npm", ["install", ...tarballs, "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: app });
    return { tarballs, app, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

/** Run a script of the installed project with Node; its stdout is one JSON value. */
export async function runScript(app: string, file: string): Promise<unknown> {
  return JSON.parse(await exec(process.execPath, [file], { cwd: app }));
}
