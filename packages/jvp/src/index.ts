export { Zero, type Tangent, isZero, instantiate, addTangents, hasTangent } from "./zero.js";
export { JVPTracer, JVPTrace, jvpFlat } from "./jvp-trace.js";
export { jvpRules, type JvpRule } from "./jvp-rules.js";
export { linearizeFlat, applyLinear } from "./linearize.js";

export { jvp, linearize, type LinearFn, leavesOf } from "./api.js";
