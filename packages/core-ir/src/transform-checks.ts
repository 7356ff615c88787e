/**
 * Checks on what a transformation is handed: the function, its options, argument indices
 * and what the function returns. Each failure is a typed error from the call that received
 * the bad value, naming that call and what it expected.
 */
import { TransformError, ValueError } from "./errors.js";

/** A function value's kind for a message: "an async function" etc. */
function kindOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "a JS array";
  if (typeof x === "object") return `an object of class ${(x as object).constructor?.name ?? "(none)"}`;
  return `a ${typeof x}`;
}

function isAsyncFunction(f: Function): boolean {
  const tag = (f as unknown as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
  return tag === "AsyncFunction" || tag === "AsyncGeneratorFunction";
}

/** `f` is a synchronous function (transformations run it on abstract values, synchronously). */
export function checkFunction(call: string, f: unknown, what = "f"): asserts f is (...args: any[]) => any {
  if (typeof f !== "function") throw new TransformError(`${call}: expected ${what} to be a function, got ${kindOf(f)}`);
  if (isAsyncFunction(f)) {
    throw new TransformError(
      `${call}: ${f.name || "the function"} is an async function; transformations need synchronous functions (await data outside, then pass arrays in)`,
    );
  }
}

/** Edit distance, to suggest the option a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** `options` is undefined or a plain object whose keys are all in `allowed`. */
export function checkOptions(call: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  const proto = typeof options === "object" && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new ValueError(`${call}: options must be a plain object ({ ${allowed.join(", ")} }), got ${kindOf(options)}`);
  }
  for (const key of Object.keys(options as object)) {
    if (allowed.includes(key)) continue;
    const near = allowed.find((a) => distance(a.toLowerCase(), key.toLowerCase()) <= 2);
    throw new ValueError(
      `${call}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ""}; expected ${allowed.length ? allowed.map((a) => `'${a}'`).join(", ") : "no options"}`,
    );
  }
}

/** Argument indices: non-negative integers without duplicates (range is checked per call). */
export function checkArgnums(call: string, argnums: unknown, option = "argnums", allowEmpty = false): number[] {
  const list = typeof argnums === "number" ? [argnums] : Array.isArray(argnums) ? argnums : null;
  if (list === null) throw new ValueError(`${call}: ${option} must be a number or an array of numbers, got ${kindOf(argnums)}`);
  if (!allowEmpty && list.length === 0) throw new ValueError(`${call}: ${option} is empty; expected at least one argument index`);
  for (const n of list) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new ValueError(`${call}: ${option} ${fmt(argnums)} must hold non-negative integer argument indices, got ${fmt(n)}`);
    }
  }
  if (new Set(list).size !== list.length) throw new ValueError(`${call}: ${option} ${fmt(argnums)} has duplicates; expected each argument index once`);
  return [...list];
}

/** Every index in `nums` names a positional argument of a call with `nargs` arguments. */
export function checkArgnumsRange(call: string, nums: readonly number[], nargs: number, option = "argnums"): void {
  const bad = nums.find((n) => n >= nargs);
  if (bad !== undefined) {
    throw new ValueError(`${call}: ${option} includes ${bad}, but the call has ${nargs} positional argument${nargs === 1 ? "" : "s"}`);
  }
}

function fmt(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * A function handed to a transformation returned `value`: a Promise (or any thenable)
 * cannot be traced. Its eventual rejection (tracers escaping after the transformation
 * ended) is absorbed here, so that it never becomes an unhandled rejection.
 */
export function rejectPromise(value: unknown, where: string): void {
  if ((typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function") {
    (value as PromiseLike<unknown>).then(undefined, () => undefined);
    throw new TransformError(`${where}: the function returned a Promise; transformations need synchronous functions that return arrays`);
  }
}
