import { DTYPES, DTypeError, type DType, type FirstOrderPrim, type ShapedArray, abstractEval, getPrimitive, firstOrderPrimitives } from "@lintra/core-ir";
import type { Case, CaseDraft, SpecTable } from "./case.js";
import { elementwiseSpecs } from "./specs-elementwise.js";
import { indexingSpecs } from "./specs-indexing.js";
import { movementSpecs } from "./specs-movement.js";
import { reduceSpecs } from "./specs-reduce.js";

/** One row per primitive, from the family tables; complete by type. */
export const specs: SpecTable = { ...elementwiseSpecs, ...movementSpecs, ...reduceSpecs, ...indexingSpecs };

/** The spec row of a declared primitive, or undefined for one added by a third party without a row. */
function specOf(prim: FirstOrderPrim): SpecTable[FirstOrderPrim] | undefined {
  return Object.hasOwn(specs, prim) ? specs[prim] : undefined;
}

/** True when the registry has primitives the spec table does not cover. */
export function primsWithoutSpec(): FirstOrderPrim[] {
  return firstOrderPrimitives()
    .map((p) => p.name)
    .filter((p) => !specOf(p));
}

/** The output aval of a draft, from the primitive's shape and dtype rules. */
export function outputAval(prim: FirstOrderPrim, draft: Pick<CaseDraft, "operands" | "params">): ShapedArray {
  return abstractEval(prim, draft.operands.map((o) => o.aval), draft.params as never)[0];
}

/** Whether `prim`'s dtype rule accepts its representative case built for `dtype`. */
function accepts(prim: FirstOrderPrim, dtype: DType): boolean {
  const first = specOf(prim)?.cases(dtype)[0];
  if (!first) return false;
  try {
    outputAval(prim, first);
    return true;
  } catch (e) {
    if (e instanceof DTypeError) return false;
    throw e;
  }
}

/** The dtypes a primitive accepts, per its dtype rule. */
export function acceptedDTypes(prim: FirstOrderPrim): DType[] {
  getPrimitive(prim);
  return DTYPES.filter((d) => accepts(prim, d));
}

/** Every generated case of `prim` for operands of `dtype` (none when the dtype rule rejects it). */
export function casesFor<P extends FirstOrderPrim>(prim: P, dtype: DType): Case<P>[] {
  const spec = specOf(prim) as SpecTable[P] | undefined;
  if (!spec || !accepts(prim, dtype)) return [];
  return (spec.cases(dtype) as CaseDraft<P>[]).map((draft) => {
    const out = outputAval(prim, draft);
    const sizes = [out.size, ...draft.operands.map((o) => o.aval.size)];
    return {
      prim,
      dtype,
      name: `${prim} ${dtype} ${draft.name}`,
      operands: draft.operands,
      params: draft.params,
      tolerance: draft.tolerance ?? spec.tolerance,
      terms: draft.terms ?? 1,
      large: sizes.some((s) => s >= 1e5),
    };
  });
}

/** The first case of (prim, dtype): what the support matrix and the declared-support checks use. */
export function representativeCase<P extends FirstOrderPrim>(prim: P, dtype: DType): Case<P> | undefined {
  return casesFor(prim, dtype)[0];
}
