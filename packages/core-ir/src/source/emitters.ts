import type { FirstOrderPrim } from "../registry.js";
import { dotGeneralEmitters } from "./emit-dot-general.js";
import { elementwiseEmitters } from "./emit-elementwise.js";
import { indexingEmitters } from "./emit-indexing.js";
import { movementEmitters } from "./emit-movement.js";
import { reduceEmitters } from "./emit-reduce.js";
import type { SourceEmitter } from "./types.js";

/**
 * Every first-order primitive's source emitter. Typed as complete, so declaring a new
 * primitive without a row here is a compile error (as for backend-cpu's kernels).
 */
export const sourceEmitters: { [P in FirstOrderPrim]: SourceEmitter<P> } = {
  ...elementwiseEmitters,
  ...movementEmitters,
  ...reduceEmitters,
  ...dotGeneralEmitters,
  ...indexingEmitters,
};
