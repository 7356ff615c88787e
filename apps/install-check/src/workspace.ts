import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exec } from "./exec.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
}

/** Every package under packages/ that is published (not private). */
export function publishablePackages(): WorkspacePackage[] {
  const parent = join(ROOT, "packages");
  return readdirSync(parent, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(parent, d.name))
    .flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; private?: boolean };
      return manifest.private ? [] : [{ name: manifest.name, dir }];
    });
}

/** `turbo run build` for the packages (cached: a package whose inputs did not change is restored). */
export async function build(packages: readonly WorkspacePackage[]): Promise<void> {
  const filters = packages.map((p) => `--filter=${p.name}`);
  await exec(join(ROOT, "node_modules/.bin/turbo"), ["run", "build", ...filters, "--output-logs=errors-only"], {
    cwd: ROOT,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
}

/** `pnpm pack` each package into `dest`; returns the tarballs' paths. */
export async function pack(packages: readonly WorkspacePackage[], dest: string): Promise<string[]> {
  return Promise.all(
    packages.map(async ({ dir }) => {
      const stdout = await exec("pnpm", ["pack", "--pack-destination", dest, "--json"], { cwd: dir });
      return (JSON.parse(stdout) as { filename: string }).filename;
    }),
  );
}

/** The paths inside a tarball. */
export async function tarballEntries(tarball: string): Promise<string[]> {
  return (await exec("tar", ["-tzf", tarball])).split("\n").filter(Boolean);
}

/** The text of one file inside a tarball. */
export async function tarballFile(tarball: string, path: string): Promise<string> {
  return exec("tar", ["-xzOf", tarball, path]);
}
