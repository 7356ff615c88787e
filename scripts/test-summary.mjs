// Totals over every package's vitest JSON report (`.test-results/results.json`, written by
// the json reporter that vitest.shared.ts configures; turbo restores it on a cache hit).
//
//   node scripts/test-summary.mjs --clean            remove every package's report (before a run)
//   node scripts/test-summary.mjs [--turbo-status N]  add them up
//
// Prints the failed tests, then one last plain line: `N passed, N failed[, N skipped]`.
// Exits 1 when a test failed, a package's report is missing or says it failed, or N != 0.
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const REPORT = ".test-results/results.json";

function turboStatus(argv) {
  const i = argv.indexOf("--turbo-status");
  return i >= 0 ? Number(argv[i + 1]) : 0;
}

/** Workspace package folders from pnpm-workspace.yaml (`- dir/*` or `- dir` entries). */
function workspaceDirs() {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = yaml.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? "";
  const patterns = [...block.matchAll(/^\s+-\s+["']?([^"'\s]+)["']?/gm)].map((m) => m[1]);
  return patterns.flatMap((p) => {
    if (!p.endsWith("/*")) return [join(root, p)];
    const parent = join(root, p.slice(0, -2));
    if (!existsSync(parent)) return [];
    return readdirSync(parent, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(parent, d.name));
  });
}

/** Packages that have a `test` script, with their names. */
function testedPackages() {
  return workspaceDirs()
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.scripts?.test)
    .map(({ dir, manifest }) => ({ dir, name: manifest.name ?? relative(root, dir) }));
}

/** Counts from one report. A file that failed to load counts as one failed test. */
function countReport(report, pkg) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const file of report.testResults ?? []) {
    const where = `${pkg} ${relative(root, file.name)}`;
    let failedHere = 0;
    for (const t of file.assertionResults ?? []) {
      if (t.status === "passed") counts.passed++;
      else if (t.status === "failed") {
        failedHere++;
        counts.failures.push(`${where} > ${t.fullName ?? t.title}`);
      } else counts.skipped++; // skipped, todo, pending, disabled: not passed
    }
    if (file.status === "failed" && failedHere === 0) {
      failedHere = 1;
      const reason = (file.message ?? "").split("\n")[0];
      counts.failures.push(`${where} (file failed${reason ? `: ${reason}` : ""})`);
    }
    counts.failed += failedHere;
  }
  return counts;
}

/** Reports of an earlier run must not be counted; turbo restores cached ones itself. */
function clean() {
  for (const { dir } of testedPackages()) rmSync(dirname(join(dir, REPORT)), { recursive: true, force: true });
}

function main() {
  if (process.argv.includes("--clean")) return clean();
  const status = turboStatus(process.argv);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const problems = [];
  const failures = [];
  for (const { dir, name } of testedPackages()) {
    const file = join(dir, REPORT);
    if (!existsSync(file)) {
      problems.push(`${name}: no test report (${relative(root, file)}); its test task failed before vitest wrote one`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8"));
    const c = countReport(report, name);
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
    failures.push(...c.failures);
    if (report.success === false && c.failed === 0) problems.push(`${name}: vitest reported errors outside any test`);
  }
  if (status !== 0 && failures.length === 0 && problems.length === 0) problems.push(`turbo exited with status ${status}`);

  if (failures.length) console.log(["", "Failed:", ...failures.map((f) => `  ${f}`)].join("\n"));
  if (problems.length) console.log(["", "Problems:", ...problems.map((p) => `  ${p}`)].join("\n"));
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
  console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
  process.exitCode = totals.failed || problems.length || status !== 0 ? 1 : 0;
}

main();
