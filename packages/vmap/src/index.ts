export { BatchTrace, BatchTracer, type BatchDim, batchFlat } from "./batch-trace.js";
export { batchRules, type BatchRule } from "./batch-rules.js";
export { moveBatchAxis, batchFirst, batchedAxis } from "./batch-axis.js";
export { vmap, type VmapOptions, type Axes } from "./vmap.js";
