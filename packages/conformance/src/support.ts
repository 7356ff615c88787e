import type { Backend, DType, FirstOrderPrim } from "@lintra/core-ir";
import { firstOrderPrimitives } from "@lintra/core-ir";
import { caseDTypes, declaredGap } from "./run-case.js";
import { acceptedDTypes, representativeCase } from "./specs.js";

/** One cell of the support matrix: a primitive on operands of one dtype. */
export interface SupportEntry {
  readonly prim: FirstOrderPrim;
  readonly dtype: DType;
  /** The backend declares it: a kernel, and every dtype the representative case touches. */
  readonly supported: boolean;
  /** Why not, when not: `no gather kernel`, `no int32 in its dtypes`. */
  readonly gap?: string;
}

/**
 * What `backend` declares it runs: every primitive × every dtype its dtype rule accepts.
 * `describeBackend` holds the backend to exactly this: supported cells must run and agree
 * with the reference, the others must throw UnsupportedPrimitiveError.
 */
export function supportOf(backend: Backend<any>): SupportEntry[] {
  return firstOrderPrimitives().flatMap((def) =>
    acceptedDTypes(def.name).map((dtype) => {
      const c = representativeCase(def.name, dtype)!;
      const gap = declaredGap(backend, def.name, caseDTypes(c));
      return gap ? { prim: def.name, dtype, supported: false, gap } : { prim: def.name, dtype, supported: true };
    }),
  );
}
