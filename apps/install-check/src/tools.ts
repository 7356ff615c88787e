import { createRequire } from "node:module";
import type * as Esbuild from "esbuild";
import type * as Playwright from "playwright-core";

// esbuild and playwright-core as installed for @lintra/conformance, their user in the workspace.
const fromConformance = createRequire(new URL("../../../packages/conformance/package.json", import.meta.url));

export const esbuild = (): typeof Esbuild => fromConformance("esbuild") as typeof Esbuild;
export const playwright = (): typeof Playwright => fromConformance("playwright-core") as typeof Playwright;

/** The TypeScript compiler of the repository (its `tsc` script). */
export const tscPath = (): string => createRequire(import.meta.url).resolve("typescript/bin/tsc");
