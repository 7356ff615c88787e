export { transposeRules, type TransposeRule } from "./transpose-rules.js";
export { UndefinedPrimal, isUndefined } from "./undefined-primal.js";
export { backwardPass, transpose, type Cotangent } from "./backward-pass.js";
export { vjp, grad, valueAndGrad, linearTranspose, type GradOptions } from "./api.js";
