import type { Program } from "../program.js";
import type { FirstOrderPrim, HigherOrderPrim, Params } from "../registry.js";
import type { ShapedArray } from "../shape.js";
import type { SourceWriter } from "./writer.js";

/** An equation's input, as the generated code reads it. */
export interface Operand {
  readonly aval: ShapedArray;
  /** The whole array: a variable's name, or a typed-array literal for a literal. */
  readonly ref: string;
  /** Element `index` (an expression), as an expression safe to use as any operand. */
  at(index: string): string;
  /** A fresh copy of the array. */
  copy(): string;
  /** For a literal, its value (as stored in its dtype), so emitters can fold it in. */
  readonly literal?: number;
}

/** An equation's output: the name the generated code binds it to, and its type. */
export interface Output {
  readonly name: string;
  readonly aval: ShapedArray;
}

export interface EmitArgs<P extends FirstOrderPrim> {
  readonly ins: readonly Operand[];
  readonly params: Params<P>;
  readonly out: Output;
  readonly w: SourceWriter;
}

/**
 * Writes one first-order equation: statements that bind `const <out.name>` to a fresh
 * typed array of the output's type (never an alias of an input, since the function returns
 * its outputs as they are), with any other local declared inside braces or a for-header.
 */
export type SourceEmitter<P extends FirstOrderPrim> = (args: EmitArgs<P>) => void;

/** A family's rows; `sourceEmitters` (emitters.ts) joins them into the complete table. */
export type SourceEmitterTable = { [P in FirstOrderPrim]?: SourceEmitter<P> };

export interface HigherOrderEmitArgs<P extends HigherOrderPrim> {
  readonly ins: readonly Operand[];
  readonly params: Params<P>;
  readonly outs: readonly Output[];
  readonly w: SourceWriter;
  /**
   * Write `program` as a function: the line `open(parameter names)`, its body one level
   * deeper (constants, equations, `return [outputs]`, each output a fresh array), then
   * `close`. The sub-program's variables are named on from the enclosing program's.
   */
  readonly writeFunction: (program: Program, open: (params: readonly string[]) => string, close: string) => void;
}

/** Writes one higher-order equation: statements that bind `const` each of `outs`. */
export type HigherOrderSourceEmitter<P extends HigherOrderPrim> = (args: HigherOrderEmitArgs<P>) => void;

/**
 * Optional per primitive: a higher-order primitive without a row (a new control-flow
 * primitive, say) makes `toSource` throw a TransformError naming it until one is added.
 */
export type HigherOrderSourceEmitterTable = { [P in HigherOrderPrim]?: HigherOrderSourceEmitter<P> };
