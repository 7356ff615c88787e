/**
 * `lax`: one typed wrapper per primitive, no broadcasting and no type promotion (the same
 * layer the rule tables use, from core-ir).
 */
export * from "@lintra/core-ir/lax";
