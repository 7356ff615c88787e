import type { ShapedArray } from "@lintra/core-ir";

/** Marks a linear input of an equation during transposition: its value is unknown, its cotangent wanted. */
export class UndefinedPrimal {
  private readonly undefinedPrimal = true;
  constructor(readonly aval: ShapedArray) {}
}

export const isUndefined = (x: unknown): x is UndefinedPrimal => x instanceof UndefinedPrimal;
