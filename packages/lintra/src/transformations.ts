// Transformations (grad, jvp, vjp, linearize, ...) are re-exported here once @lintra/jvp and
// @lintra/transpose provide them.
export {};
