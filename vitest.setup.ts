import { expect } from "vitest";

/** Flatten a nested JS array / typed array / number into a flat number list and a shape. */
function flat(x: unknown): { values: number[]; shape: number[] } {
  if (typeof x === "number" || typeof x === "boolean") return { values: [Number(x)], shape: [] };
  if (ArrayBuffer.isView(x)) return { values: Array.from(x as unknown as ArrayLike<number>), shape: [(x as unknown as ArrayLike<number>).length] };
  if (x && typeof x === "object" && "readSync" in x && "shape" in x && typeof (x as { readSync: unknown }).readSync === "function") {
    const a = x as { readSync(): ArrayLike<number>; shape: number[] };
    return { values: Array.from(a.readSync()), shape: [...a.shape] };
  }
  if (x && typeof x === "object" && "toArray" in x && typeof (x as { toArray: unknown }).toArray === "function") {
    return flat((x as { toArray(): unknown }).toArray());
  }
  if (Array.isArray(x)) {
    const parts = x.map(flat);
    const inner = parts[0]?.shape ?? [];
    return { values: parts.flatMap((p) => p.values), shape: [x.length, ...inner] };
  }
  throw new Error(`toBeAllclose: cannot read ${String(x)}`);
}

function close(a: number, b: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

expect.extend({
  /** NumPy's allclose: |a - b| <= atol + rtol |b|, NaN equals NaN, shapes must match. */
  toBeAllclose(received: unknown, expected: unknown, opts: { rtol?: number; atol?: number } = {}) {
    const rtol = opts.rtol ?? 1e-5;
    const atol = opts.atol ?? 1e-6;
    const a = flat(received);
    const b = flat(expected);
    const shapeOk = a.values.length === b.values.length && (b.shape.length === 0 || a.shape.join() === b.shape.join() || a.shape.length === 0);
    let worst = -1;
    let worstErr = 0;
    if (shapeOk) {
      a.values.forEach((v, i) => {
        if (!close(v, b.values[i], rtol, atol)) {
          const err = Math.abs(v - b.values[i]);
          if (worst < 0 || !(err <= worstErr)) {
            worst = i;
            worstErr = err;
          }
        }
      });
    }
    const pass = shapeOk && worst < 0;
    return {
      pass,
      message: () =>
        !shapeOk
          ? `expected shape [${b.shape}] (${b.values.length} values), got [${a.shape}] (${a.values.length} values)`
          : pass
            ? `expected values not to be allclose (rtol=${rtol}, atol=${atol})`
            : `not allclose (rtol=${rtol}, atol=${atol}): at flat index ${worst} got ${a.values[worst]}, expected ${b.values[worst]}` +
              ` (${a.values.filter((v, i) => !close(v, b.values[i], rtol, atol)).length} of ${a.values.length} differ)`,
    };
  },
});

declare module "vitest" {
  interface Assertion<T = any> {
    toBeAllclose(expected: unknown, opts?: { rtol?: number; atol?: number }): T;
  }
  interface AsymmetricMatchersContaining {
    toBeAllclose(expected: unknown, opts?: { rtol?: number; atol?: number }): void;
  }
}
