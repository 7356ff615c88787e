import { type Code, I32 } from "./wasm/encoder.js";
import { Op } from "./wasm/opcodes.js";

// Loop and addressing helpers shared by the reduction and dot_general code generators.

/**
 * SIMD opcodes these generators need beyond wasm/opcodes.ts (values from the
 * WebAssembly SIMD specification's opcode table).
 */
export const SimdExt = {
  v128_load32_splat: 0x09,
  v128_load64_splat: 0x0a,
  i32x4_replace_lane: 0x1c,
  f64x2_replace_lane: 0x22,
  f64x2_promote_low_f32x4: 0x5f,
  v128_load64_zero: 0x5d,
  v128_any_true: 0x53,
  i32x4_bitmask: 0xa4,
} as const;

/** A loop bound: a constant, or the value of an i32 local. */
export type Bound = number | { readonly local: number };

export const inLocal = (local: number): Bound => ({ local });

function push(c: Code, b: Bound): void {
  if (typeof b === "number") c.i32(b);
  else c.get(b.local);
}

/** `local += delta` for an i32 local (a no-op for delta 0). */
export function addTo(c: Code, local: number, delta: number): void {
  if (delta !== 0) c.get(local).i32(delta).op(Op.i32_add).set(local);
}

/** `for (i = start; i < end; i += step) body()`; skipped entirely when start >= end. */
export function forLoop(c: Code, i: number, start: Bound, end: Bound, step: number, body: () => void): void {
  if (typeof start === "number" && typeof end === "number") {
    if (start >= end) return;
    push(c, start);
    c.set(i);
    if (start + step >= end) {
      body(); // one trip: no loop needed
      return;
    }
    c.loop(() => {
      body();
      c.get(i).i32(step).op(Op.i32_add).tee(i);
      push(c, end);
      c.op(Op.i32_lt_s, Op.br_if, 0);
    });
    return;
  }
  push(c, start);
  c.set(i);
  c.block(() => {
    c.get(i);
    push(c, end);
    c.op(Op.i32_ge_s, Op.br_if, 0);
    c.loop(() => {
      body();
      c.get(i).i32(step).op(Op.i32_add).tee(i);
      push(c, end);
      c.op(Op.i32_lt_s, Op.br_if, 0);
    });
  });
}

/** One axis of a strided iteration: its size and the byte stride of each walked pointer. */
export interface StridedAxis {
  readonly size: number;
  readonly strides: readonly number[];
}

/**
 * Nested loops over `axes` (outermost first) that advance each pointer local in `ptrs`
 * by its stride and restore it afterwards, so `body` sees every multi-index once.
 */
export function stridedLoops(c: Code, axes: readonly StridedAxis[], ptrs: readonly number[], body: () => void): void {
  const level = (d: number): void => {
    if (d === axes.length) return body();
    const { size, strides } = axes[d];
    if (size <= 0) return;
    if (size === 1) return level(d + 1);
    const i = c.local(I32);
    forLoop(c, i, 0, size, 1, () => {
      level(d + 1);
      ptrs.forEach((p, j) => addTo(c, p, strides[j]));
    });
    ptrs.forEach((p, j) => addTo(c, p, -size * strides[j]));
  };
  level(0);
}

/**
 * Drop size-1 axes and merge neighbours that walk memory as one longer axis for every
 * pointer (outer stride = inner stride × inner size). Fewer, longer loops.
 */
export function mergeAxes(axes: readonly StridedAxis[]): StridedAxis[] {
  const out: StridedAxis[] = [];
  for (const ax of axes) {
    if (ax.size === 1) continue;
    const last = out[out.length - 1];
    if (last && last.strides.every((s, j) => s === ax.strides[j] * ax.size)) {
      out[out.length - 1] = { size: last.size * ax.size, strides: ax.strides };
    } else out.push(ax);
  }
  return out;
}

/** Row-major strides (in elements) of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** A zero v128 on the stack. */
export function v128Zero(c: Code): void {
  c.simd(0x0c); // v128.const
  for (let i = 0; i < 16; i++) c.op(0);
}

/** A memarg-carrying SIMD instruction (the splat and zero loads). */
export function simdLoad(c: Code, opcode: number, alignLog2: number, offset: number): void {
  c.simd(opcode).idx(alignLog2).idx(offset);
}
