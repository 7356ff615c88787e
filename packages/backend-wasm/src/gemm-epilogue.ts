import type { FusedGroup, Var } from "@lintra/core-ir";
import { type FusedLoop, describeGroup, emitRectangle } from "./fused.js";
import { BYTES } from "./memory.js";
import type { ModuleBuilder } from "./wasm/encoder.js";

/*
 * A fused group as the epilogue of a GEMM (see core-ir's planFusion): the group's loop runs
 * on each block of C as soon as the block's last k block is added, while it is in cache,
 * reading the product from C and writing the group's one output over it. The loop is a
 * function of the GEMM's own module (worker threads instantiate a kernel from its bytes,
 * so it can call nothing outside it).
 */

/** A group run on the blocks of a [M, N] product. */
export interface GemmEpilogue {
  readonly loop: FusedLoop;
  /** The access that reads the product: it reads C, in place. */
  readonly product: number;
  /** The other accesses, in the order the GEMM's `run` takes their pointers after (c, a, b). */
  readonly operands: readonly number[];
  readonly key: string;
}

/** Describe `group`, which reads `product` (the dot_general's output) at its loop index. */
export function describeEpilogue(group: FusedGroup, product: Var): GemmEpilogue {
  const loop = describeGroup(group);
  const reads = loop.accesses.flatMap((a, k) => (a.atom === product ? [k] : []));
  if (reads.length !== 1 || loop.outputs.length !== 1 || loop.fold || loop.shape.length !== 2) {
    throw new Error("internal: an epilogue reads the product once and writes one [M, N] output");
  }
  const operands = loop.accesses.map((_, k) => k).filter((k) => k !== reads[0]);
  return { loop, product: reads[0], operands, key: `${loop.key}|c${reads[0]}` };
}

/** Bytes from one row of an epilogue operand to the next. */
export const rowBytes = (e: GemmEpilogue, k: number): number => e.loop.accesses[k].strides[0] * BYTES[e.loop.accesses[k].dtype];

/** Bytes from one column of an epilogue operand to the next (0 where it is broadcast along rows). */
export const colBytes = (e: GemmEpilogue, k: number): number => e.loop.accesses[k].strides[1] * BYTES[e.loop.accesses[k].dtype];

/**
 * Emit `(out, access0, …, rows, cols)`: the epilogue on a rows × cols block of C whose first
 * element `out` is (rows N elements apart); each access's pointer at the same element of its
 * own operand, the product's being `out` too. Returns the function's index.
 */
export function emitEpilogue(m: ModuleBuilder, hosts: ReadonlyMap<string, number>, e: GemmEpilogue, N: number): number {
  const by = BYTES[e.loop.outDTypes[0]];
  // (the product's access is C's row-major strides, as the output's)
  const rows = [N * by, ...e.loop.accesses.map((_, k) => rowBytes(e, k))];
  const cols = [by, ...e.loop.accesses.map((_, k) => colBytes(e, k))];
  return emitRectangle(m, e.loop, hosts, rows, cols);
}
