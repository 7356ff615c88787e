import wabtInit from "wabt";
import { describe, expect, test } from "vitest";
import { SimdExt, mergeAxes, simdLoad } from "./loop-gen.js";
import { Code, I32, V128 } from "./wasm/encoder.js";

const wabt = await wabtInit();

/** Whether `needle` occurs as a contiguous run of bytes in `hay`. */
function contains(hay: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The binary wabt makes of one function body given as WAT instructions. */
function wabtBody(params: string, result: string, body: string): Uint8Array {
  const wat = `(module (import "env" "memory" (memory 1)) (func (param ${params}) (result ${result}) ${body}))`;
  return wabt.parseWat("t.wat", wat).toBinary({}).buffer;
}

describe("opcodes these generators add, checked against wabt", () => {
  const memCases: [keyof typeof SimdExt, string, number][] = [
    ["v128_load32_splat", "v128.load32_splat offset=20", 2],
    ["v128_load64_splat", "v128.load64_splat offset=24", 3],
    ["v128_load64_zero", "v128.load64_zero offset=8", 3],
  ];
  test.each(memCases)("%s", (name, wat, align) => {
    const c = new Code([I32]);
    c.get(0);
    const offset = Number(wat.split("=")[1]);
    simdLoad(c, SimdExt[name], align, offset);
    expect(contains(wabtBody("i32", "v128", `local.get 0 ${wat}`), c.bytes)).toBe(true);
  });
  test("f64x2.promote_low_f32x4", () => {
    const c = new Code([V128]);
    c.get(0).simd(SimdExt.f64x2_promote_low_f32x4);
    expect(contains(wabtBody("v128", "v128", "local.get 0 f64x2.promote_low_f32x4"), c.bytes)).toBe(true);
  });
  test("i8x16.splat and i8x16.extract_lane_u as reduce.ts spells them", () => {
    const splat = new Code([I32]);
    splat.get(0).simd(0x0f);
    expect(contains(wabtBody("i32", "v128", "local.get 0 i8x16.splat"), splat.bytes)).toBe(true);
    const extract = new Code([V128]);
    extract.get(0).lane(0x16, 13);
    expect(contains(wabtBody("v128", "i32", "local.get 0 i8x16.extract_lane_u 13"), extract.bytes)).toBe(true);
  });
});

describe("mergeAxes", () => {
  test("drops size-1 axes and merges axes that walk memory as one", () => {
    expect(mergeAxes([{ size: 2, strides: [12, 24] }, { size: 1, strides: [99, 99] }, { size: 3, strides: [4, 8] }])).toEqual([{ size: 6, strides: [4, 8] }]);
  });
  test("keeps axes apart when any pointer does not line up", () => {
    const axes = [
      { size: 2, strides: [12, 4] },
      { size: 3, strides: [4, 8] },
    ];
    expect(mergeAxes(axes)).toEqual(axes);
  });
});
