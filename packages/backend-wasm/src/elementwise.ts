import type { KernelTable, ShapedArray } from "@lintra/core-ir";
import type { WasmBuffer } from "./memory.js";
import { allocFor, kernelKey, runtime } from "./runtime.js";
import { F32, F64, I32, type ModuleBuilder } from "./wasm/encoder.js";
import { Op, Simd } from "./wasm/opcodes.js";

// Placeholder: `add` only, to exercise the encoder end to end.

function buildAdd(m: ModuleBuilder, aval: ShapedArray): void {
  const { code: c } = m.func([I32, I32, I32], [], "run");
  const [out, a, b] = [0, 1, 2];
  const i = c.local(I32);
  const n = c.local(I32);
  const width = { float32: 4, float64: 8, int32: 4, bool: 1 }[aval.dtype];
  c.i32(aval.size * width).set(n);
  if (aval.dtype === "float32") {
    const vecEnd = c.local(I32);
    c.i32(Math.floor(aval.size / 4) * 16).set(vecEnd);
    c.forRange(i, (x) => x.i32(0), vecEnd, 16, (x) => {
      x.get(out).get(i).op(Op.i32_add);
      x.get(a).get(i).op(Op.i32_add).simdMem(Simd.v128_load, 0, 0);
      x.get(b).get(i).op(Op.i32_add).simdMem(Simd.v128_load, 0, 0);
      x.simd(Simd.f32x4_add).simdMem(Simd.v128_store, 0, 0);
    });
    c.forRange(i, (x) => x.get(vecEnd), n, 4, (x) => {
      x.get(out).get(i).op(Op.i32_add);
      x.get(a).get(i).op(Op.i32_add).mem(Op.f32_load, 2);
      x.get(b).get(i).op(Op.i32_add).mem(Op.f32_load, 2);
      x.op(Op.f32_add).mem(Op.f32_store, 2);
    });
  } else if (aval.dtype === "float64") {
    c.forRange(i, (x) => x.i32(0), n, 8, (x) => {
      x.get(out).get(i).op(Op.i32_add);
      x.get(a).get(i).op(Op.i32_add).mem(Op.f64_load, 3);
      x.get(b).get(i).op(Op.i32_add).mem(Op.f64_load, 3);
      x.op(Op.f64_add).mem(Op.f64_store, 3);
    });
  } else {
    c.forRange(i, (x) => x.i32(0), n, 4, (x) => {
      x.get(out).get(i).op(Op.i32_add);
      x.get(a).get(i).op(Op.i32_add).mem(Op.i32_load, 2);
      x.get(b).get(i).op(Op.i32_add).mem(Op.i32_load, 2);
      x.op(Op.i32_add).mem(Op.i32_store, 2);
    });
  }
  void F32;
  void F64;
}

export const elementwiseKernels: KernelTable<WasmBuffer> = {
  add: (inputs, avals, params, out) => {
    const fn = runtime().kernels.get(kernelKey("add", avals, params, out), (m) => buildAdd(m, out));
    const buf = allocFor(out);
    fn(buf.ptr, inputs[0].ptr, inputs[1].ptr);
    return buf;
  },
};
