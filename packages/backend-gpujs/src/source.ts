import { type Shape, stridesOf } from "@lintra/core-ir";
import { UNIFORM_PARAMS } from "./glsl.js";

/*
 * Kernel sources are gpu.js kernel functions written as text, with every shape, stride
 * and parameter baked in as a literal. Each output element is one thread: `i` is its
 * row-major index, and index arithmetic turns it into the input elements it reads.
 * gpu.js compiles `Math.floor(a / b)` and `a % b` on integers exactly.
 */

/** `function(<params>, one, zero, inf, nan) { const i = this.thread.x; <body> }` */
export function kernelSource(params: readonly string[], body: readonly string[]): string {
  return [`function(${[...params, ...UNIFORM_PARAMS].join(", ")}) {`, "  const i = this.thread.x;", ...body.map((l) => `  ${l}`), "}"].join("\n");
}

/** The operand parameter names a0, a1, … */
export const operandNames = (n: number): string[] => Array.from({ length: n }, (_, k) => `a${k}`);

/**
 * Statements that split the flat index `flat` of an array of `shape` into coordinates
 * named `<name>0`, `<name>1`, …; a dimension of size 1 has coordinate "0".
 */
export function unravel(flat: string, shape: Shape, name: string): { lines: string[]; coords: string[] } {
  const strides = stridesOf(shape);
  const lines: string[] = [];
  const coords = shape.map((d, k) => {
    if (d === 1) return "0";
    const v = `${name}${k}`;
    const q = strides[k] === 1 ? flat : `Math.floor(${flat} / ${strides[k]})`;
    lines.push(`const ${v} = ${k === 0 ? q : `${q} % ${d}`};`);
    return v;
  });
  return { lines, coords };
}

/** `base + Σ coords[k] · strides[k]` as an expression, skipping zero terms. */
export function linear(coords: readonly string[], strides: readonly number[], base = 0): string {
  const terms = coords.flatMap((c, k) => (strides[k] === 0 || c === "0" ? [] : [strides[k] === 1 ? c : `${c} * ${strides[k]}`]));
  if (base !== 0 || terms.length === 0) terms.push(String(base));
  return terms.join(" + ");
}

/** A stable key fragment for shapes and params. */
export const keyOf = (...parts: unknown[]): string => parts.map((p) => JSON.stringify(p)).join(" ");
