/** Base class of every error lintra throws on bad input. */
export class LintraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit what an operation expects (broadcast, matmul, reshape, axes). */
export class ShapeError extends LintraError {}

/** A dtype an operation does not accept, or operands whose dtypes disagree. */
export class DTypeError extends LintraError {}

/** A program that is not well typed (thrown by `typecheck`). */
export class TypecheckError extends LintraError {}

/** A primitive name that is not in the registry. */
export class UnknownPrimitiveError extends LintraError {
  constructor(readonly primitive: string) {
    super(`unknown primitive '${primitive}': it is not declared in the primitive registry`);
  }
}

/** The chosen backend has no kernel for this primitive (or this dtype). */
export class UnsupportedPrimitiveError extends LintraError {
  constructor(
    readonly primitive: string,
    readonly backend: string,
    readonly dtype?: string,
  ) {
    super(
      `backend '${backend}' has no kernel for primitive '${primitive}'` +
        (dtype ? ` with dtype ${dtype}` : "") +
        "; choose another backend with setBackend()",
    );
  }
}

/** A backend name nobody registered, or a backend operation that failed. */
export class BackendError extends LintraError {}

/** A tracer used after the transformation that created it has finished. */
export class EscapedTracerError extends LintraError {}

/** A value that is not valid for an argument (ragged nested arrays, bad options, ...). */
export class ValueError extends LintraError {}

/** A linear variable used non-linearly, or a primitive with no transpose rule, in `transpose`. */
export class NonLinearError extends LintraError {}

/** A transformation applied to a function or argument it cannot handle (grad of a non-scalar, ...). */
export class TransformError extends LintraError {}

/** An intermediate array used after the transformation that made it released its memory. */
export class ReleasedArrayError extends LintraError {}

/**
 * A value was needed (read back, converted to a JS number or boolean) while it is abstract:
 * a tracer of a transformation, whose values are not known while the function is transformed.
 */
export class ConcretizationError extends LintraError {}

/**
 * An array used where JavaScript converts it to a number or a primitive (`x * 2`, `x > 0`,
 * `"loss " + x`): there is no operator overloading, so the result would silently be wrong.
 */
export class ConversionError extends LintraError {}
