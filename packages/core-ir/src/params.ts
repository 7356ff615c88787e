/**
 * Equality and hashing of primitive params. Params are plain data, except that a
 * higher-order primitive's hold sub-programs: those compare by structure (the printed
 * program, whose variable names are canonical) and by the identity of their constants.
 */
import { prettyPrint } from "./print.js";
import { Program } from "./program.js";

const constIds = new WeakMap<object, number>();
let nextConstId = 0;
const programKeys = new WeakMap<Program, string>();

function constId(value: object): number {
  let id = constIds.get(value);
  if (id === undefined) constIds.set(value, (id = ++nextConstId));
  return id;
}

function programKey(program: Program): string {
  let key = programKeys.get(program);
  if (key === undefined) {
    key = `${prettyPrint(program)}#${program.consts.map((c) => constId(c)).join(",")}`;
    programKeys.set(program, key);
  }
  return key;
}

/** A string equal for equal params (object keys sorted; sub-programs by structure and constants). */
export function paramsKey(params: unknown): string {
  if (params instanceof Program) return `program(${programKey(params)})`;
  if (Array.isArray(params)) return `[${params.map(paramsKey).join(",")}]`;
  if (params !== null && typeof params === "object") {
    const entries = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${paramsKey(v)}`).join(",")}}`;
  }
  return JSON.stringify(params) ?? String(params);
}

/** Whether two params are equal, recursing into sub-programs. */
export function paramsEqual(a: unknown, b: unknown): boolean {
  return a === b || paramsKey(a) === paramsKey(b);
}
