// The support matrix, read from the live tables: every declared primitive × the rule tables
// (jvp, transpose) and the backends' kernel tables; then, per backend, primitive × dtype as
// the conformance suite holds the backend to it (`supportOf` from @lintra/conformance).
//
//   pnpm support-matrix           print the matrices as markdown tables
//   pnpm support-matrix --check   exit 1 when a required row is missing (see `required` below),
//                                 or a complete backend lacks a primitive × dtype
//
// A package that is not written yet (no source entry) shows as a "—" column and is not checked.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Backend, type DType, DTYPES, type PrimDef, firstOrderPrimitives, primitives, shortDType } from "@lintra/core-ir";

type Table = Readonly<Record<string, unknown>>;
type Module = Record<string, unknown>;

interface Column {
  readonly title: string;
  readonly pkg: string;
  /** The table in the package's exports, or undefined when it does not export one (yet). */
  readonly pick: (m: Module) => Table | undefined;
  /** Whether `--check` requires a row for this primitive. */
  readonly required: (def: PrimDef) => boolean;
  /** Set when only some primitives need a row: coverage then counts those ("linear"), as `inScope` says (default: `required`). */
  readonly scope?: string;
  readonly inScope?: (def: PrimDef) => boolean;
  /** What else to say about this table under the matrix. */
  readonly note?: (m: Module) => string | undefined;
  /** For a backend column: whether it must run every first-order primitive × dtype. */
  readonly complete?: boolean;
  /** For a backend column: the backend object, for the primitive × dtype view. */
  readonly backend?: (m: Module) => Backend<any> | undefined;
}

const always = () => true;
const never = () => false;
const linearOnly = (def: PrimDef) => def.linearity !== "none";
const firstOrder = (def: PrimDef) => !def.higherOrder;

/** A backend's kernels are a column; the reference backend must be complete. */
function backend(title: string, pkg: string, exportName: string, complete: boolean): Column {
  const value = (m: Module) => m[exportName] as { kernels?: Table; dtypes?: readonly string[] } | undefined;
  return {
    title,
    pkg,
    pick: (m) => value(m)?.kernels,
    // Higher-order primitives run through impl rules, never kernels.
    required: complete ? firstOrder : never,
    scope: "first-order",
    inScope: firstOrder,
    complete,
    note: (m) => (value(m)?.dtypes ? `${title} dtypes: ${value(m)!.dtypes!.join(", ")}` : undefined),
    backend: (m) => value(m) as Backend<any> | undefined,
  };
}

const higherOrderOnly = (def: PrimDef) => def.higherOrder;
/** core-ir's tables for higher-order primitives: evaluation, partial evaluation, DCE. */
const coreTable = (title: string, exportName: string): Column => ({
  title,
  pkg: "@lintra/core-ir",
  pick: (m) => m[exportName] as Table | undefined,
  required: higherOrderOnly,
  scope: "higher-order",
});

const RULES: Column[] = [
  { title: "jvp", pkg: "@lintra/jvp", pick: (m) => m.jvpRules as Table | undefined, required: always },
  { title: "transpose", pkg: "@lintra/transpose", pick: (m) => m.transposeRules as Table | undefined, required: linearOnly, scope: "linear" },
  { title: "batch", pkg: "@lintra/vmap", pick: (m) => m.batchRules as Table | undefined, required: always },
  coreTable("impl", "implRules"),
  coreTable("partial eval", "partialEvalRules"),
  coreTable("dce", "dceRules"),
  {
    title: "toSource",
    pkg: "@lintra/core-ir",
    pick: (m) => (m.sourceEmitters ? { ...(m.sourceEmitters as Table), ...(m.higherOrderSourceEmitters as Table) } : undefined),
    required: always,
  },
];

// One line per backend. Add a row here (and a root devDependency) when a backend package lands:
//   backend("gpujs", "@lintra/backend-gpujs", "gpujsBackend", false),
const BACKENDS: Column[] = [
  backend("cpu", "@lintra/backend-cpu", "cpuBackend", true),
  backend("wasm", "@lintra/backend-wasm", "wasmBackend", true),
  backend("gpujs", "@lintra/backend-gpujs", "gpujsBackend", false),
];

const COLUMNS = [...RULES, ...BACKENDS];

const root = fileURLToPath(new URL("..", import.meta.url));

/** The package's source entry (the `@lintra/source` export), if that file exists yet. */
function sourceEntry(pkg: string): string | undefined {
  const dir = join(root, "node_modules", pkg);
  if (!existsSync(join(dir, "package.json"))) return undefined;
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const entry: unknown = manifest.exports?.["."]?.["@lintra/source"];
  return typeof entry === "string" && existsSync(join(dir, entry)) ? join(dir, entry) : undefined;
}

interface Loaded {
  readonly column: Column;
  readonly table: Table | undefined;
  readonly note: string | undefined;
  readonly backend?: Backend<any>;
}

/** Import each column's package. A package that exists but fails to load is an error, not a gap. */
async function load(column: Column): Promise<Loaded> {
  if (!sourceEntry(column.pkg)) return { column, table: undefined, note: `${column.pkg}: not written yet` };
  const m = (await import(column.pkg)) as Module;
  const table = column.pick(m);
  const note = table ? column.note?.(m) : `${column.pkg}: exports no ${column.title} table yet`;
  return { column, table, note, backend: table ? column.backend?.(m) : undefined };
}

const has = (table: Table, name: string) => Object.hasOwn(table, name) && table[name] != null;

function linearityCell(def: PrimDef): string {
  if (def.linearity === "none") return "";
  const args = def.linearArgs === "all" ? "all" : def.linearArgs.join(", ");
  return `${def.linearity} (${args})`;
}

interface Row {
  readonly name: string;
  readonly def: PrimDef | undefined;
}

/** Declared primitives in registry order, then names some table has but the registry lacks. */
function rows(loaded: readonly Loaded[]): Row[] {
  const defs = primitives();
  const declared = new Set(defs.map((d) => d.name as string));
  const stray = new Set(loaded.flatMap((l) => Object.keys(l.table ?? {})).filter((n) => !declared.has(n)));
  return [...defs.map((def) => ({ name: def.name as string, def })), ...[...stray].sort().map((name) => ({ name, def: undefined }))];
}

/** ✓ present; ✗ missing but required; · missing, not needed; — the table does not exist yet. */
function cell(l: Loaded, row: Row): string {
  if (!l.table) return "—";
  if (has(l.table, row.name)) return "✓";
  return row.def && l.column.required(row.def) ? "✗" : "·";
}

function markdown(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function problems(loaded: readonly Loaded[], all: readonly Row[]): string[] {
  const out: string[] = [];
  for (const row of all) {
    if (!row.def) {
      const where = loaded.filter((l) => l.table && has(l.table, row.name)).map((l) => l.column.title);
      out.push(`'${row.name}' has a row in ${where.join(", ")} but is not a declared primitive`);
      continue;
    }
    for (const l of loaded) {
      if (cell(l, row) === "✗") out.push(`'${row.name}' (${row.def.family}, linearity ${row.def.linearity}) has no ${l.column.title} row in ${l.column.pkg}`);
    }
  }
  return out;
}

function coverage(loaded: readonly Loaded[], all: readonly Row[]): string {
  const declared = all.filter((r) => r.def);
  const parts = loaded.map((l) => {
    if (!l.table) return `${l.column.title} —`;
    const { title, scope, required, inScope = required } = l.column;
    const counted = scope ? declared.filter((r) => inScope(r.def!)) : declared;
    const done = counted.filter((r) => has(l.table!, r.name)).length;
    const missing = declared.filter((r) => cell(l, r) === "✗").length;
    return `${title} ${done}/${counted.length}${scope ? ` ${scope}` : ""}${missing ? ` (${missing} missing)` : ""}`;
  });
  return `${declared.length} primitives; ${parts.join(", ")}`;
}

// ---------------------------------------------------------------------------------------
// Primitive × dtype per backend, from the conformance suite's tables: ✓ declared (the suite
// holds the backend to the reference there), ✗ a gap (bind throws UnsupportedPrimitiveError),
// blank where the primitive's dtype rule rejects the dtype.

interface SupportEntry {
  readonly prim: string;
  readonly dtype: DType;
  readonly supported: boolean;
  readonly gap?: string;
}
type SupportOf = (backend: Backend<any>) => SupportEntry[];

interface DTypeView {
  readonly title: string;
  readonly complete: boolean;
  readonly entries: SupportEntry[];
}

async function dtypeViews(loaded: readonly Loaded[]): Promise<DTypeView[] | string> {
  if (!sourceEntry("@lintra/conformance")) return "@lintra/conformance: not written yet (no primitive × dtype view)";
  const { supportOf } = (await import("@lintra/conformance")) as { supportOf: SupportOf };
  return loaded
    .filter((l) => l.backend)
    .map((l) => ({ title: l.column.title, complete: l.column.complete === true, entries: supportOf(l.backend!) }));
}

function dtypeMarkdown(views: readonly DTypeView[]): string {
  const header = ["primitive", ...views.flatMap((v) => DTYPES.map((d) => `${v.title} ${shortDType(d)}`))];
  const body = firstOrderPrimitives().map((def) => [
    `\`${def.name}\``,
    ...views.flatMap((v) =>
      DTYPES.map((d) => {
        const e = v.entries.find((x) => x.prim === def.name && x.dtype === d);
        return e ? (e.supported ? "✓" : "✗") : "";
      }),
    ),
  ]);
  return markdown(header, body);
}

function dtypeCoverage(views: readonly DTypeView[]): string {
  return views.map((v) => `${v.title} ${v.entries.filter((e) => e.supported).length}/${v.entries.length} primitive × dtype`).join(", ");
}

function dtypeProblems(views: readonly DTypeView[]): string[] {
  return views.filter((v) => v.complete).flatMap((v) => v.entries.filter((e) => !e.supported).map((e) => `${v.title}: '${e.prim}' on ${e.dtype}: ${e.gap}`));
}

async function main() {
  const check = process.argv.includes("--check");
  const loaded = await Promise.all(COLUMNS.map(load));
  const all = rows(loaded);
  const notes = loaded.map((l) => l.note).filter((n): n is string => !!n);
  const views = await dtypeViews(loaded);
  if (typeof views === "string") notes.push(views);

  if (!check) {
    const header = ["primitive", "family", "declared", "linear", ...loaded.map((l) => l.column.title)];
    const body = all.map((row) => [
      `\`${row.name}\``,
      row.def?.family ?? "",
      row.def ? "✓" : "✗",
      row.def ? linearityCell(row.def) : "",
      ...loaded.map((l) => cell(l, row)),
    ]);
    console.log(markdown(header, body));
    console.log(`\n${coverage(loaded, all)}.`);
    console.log("✓ present, ✗ missing (required), · not needed, — table not written yet");
    if (typeof views !== "string") {
      console.log(`\n${dtypeMarkdown(views)}`);
      console.log(`\n${dtypeCoverage(views)}.`);
      console.log("✓ declared (conformance compares it with backend-cpu), ✗ not declared (throws UnsupportedPrimitiveError), blank: the dtype rule rejects it");
    }
    for (const n of notes) console.log(`- ${n}`);
    return;
  }

  const found = [...problems(loaded, all), ...(typeof views === "string" ? [] : dtypeProblems(views))];
  console.log(`support matrix: ${coverage(loaded, all)}${typeof views === "string" ? "" : `; ${dtypeCoverage(views)}`}`);
  for (const n of notes) console.log(`  ${n}`);
  if (found.length) {
    console.error(`support matrix: ${found.length} missing or stray rows:`);
    for (const p of found) console.error(`  ${p}`);
    process.exitCode = 1;
  }
}

await main();
