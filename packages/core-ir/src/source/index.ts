export { compileSource, toSource, type SourceOptions } from "./to-source.js";
export { sourceEmitters } from "./emitters.js";
export { higherOrderSourceEmitters } from "./emit-higher-order.js";
export type {
  EmitArgs,
  HigherOrderEmitArgs,
  HigherOrderSourceEmitter,
  HigherOrderSourceEmitterTable,
  Operand,
  Output,
  SourceEmitter,
  SourceEmitterTable,
} from "./types.js";
