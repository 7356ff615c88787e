/** Fuzz cases: a random program and the seed of its data (inputs, tangents, cotangents, batches). */
import fc from "fast-check";
import { np } from "../../src/index.js";
import { type Fn, describeProgram, makeFunction } from "./evaluate.js";
import { type Family, type HigherOrderKind, INPUT_SHAPES, type Program, type Shape, geneArb, requiredGeneArb, resolve, sizeOf } from "./programs.js";

// ---------------------------------------------------------------------------------------------
// Data and cases
// ---------------------------------------------------------------------------------------------

/** mulberry32: deterministic values in [-scale, scale) from a seed and a stream number. */
export function valuesFor(seed: number, stream: number, size: number, scale: number): number[] {
  let a = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  return Array.from({ length: size }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  });
}

export function arrayOf(values: readonly number[], shape: Shape): np.Array {
  return np.reshape(np.array([...values], { dtype: "float64" }), shape);
}

const INPUT_SCALE = 1.5;
const TANGENT_STREAM = 1000;
const COTANGENT_STREAM = 2000;

/** A program and the seed of its data: inputs, tangents, cotangents and batches all derive from it. */
export class FuzzCase {
  constructor(
    readonly program: Program,
    readonly seed: number,
  ) {}

  get inputShapes(): readonly Shape[] {
    return this.program.params;
  }

  get outputShape(): Shape {
    return this.program.shapes[this.program.outputs[0]];
  }

  /** A fresh JS function for the program. */
  fn(): Fn {
    return makeFunction(this.program);
  }

  /** Inputs of the program; `variant` 0 is the main point, others are batch members. */
  inputs(variant = 0): np.Array[] {
    return this.inputShapes.map((s, i) => arrayOf(valuesFor(this.seed, 16 * variant + i, sizeOf(s), INPUT_SCALE), s));
  }

  /** Tangents for the inputs; `which` picks one of several independent sets. */
  tangents(which = 0): np.Array[] {
    return this.inputShapes.map((s, i) => arrayOf(valuesFor(this.seed, TANGENT_STREAM + 16 * which + i, sizeOf(s), 1), s));
  }

  cotangent(): np.Array {
    return arrayOf(valuesFor(this.seed, COTANGENT_STREAM, sizeOf(this.outputShape), 1), this.outputShape);
  }

  /** 2 or 3, by the seed. */
  get batchSize(): number {
    return 2 + (Math.abs(this.seed) % 2);
  }

  /** vmap's inAxes: for each input, where its batch axis goes (0 up to its rank), or null (shared) for some; at least one is mapped. */
  get inAxes(): (number | null)[] {
    const axes = this.inputShapes.map((shape, i): number | null => {
      const bits = (this.seed >>> (3 * i + 3)) % 8;
      return bits === 0 ? null : bits % (shape.length + 1);
    });
    return axes.some((a) => a !== null) ? axes : axes.map((a, i) => (i === 0 ? 0 : a));
  }

  toString(): string {
    return `${describeProgram(this.program)}\ndata seed ${this.seed}`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }
}

export interface CaseOptions {
  readonly family: Family;
  readonly minOps?: number;
  readonly maxOps?: number;
  /** The program contains a gene of one of these kinds (at a random place, or last with `requiredLast`). */
  readonly require?: readonly HigherOrderKind[];
  readonly requiredLast?: boolean;
}

/** Random programs of a family, each with the seed of its data. */
export function caseArb({ family, minOps = 2, maxOps = 8, require, requiredLast = false }: CaseOptions): fc.Arbitrary<FuzzCase> {
  const shapes = fc.array(fc.constantFrom(...INPUT_SHAPES), { minLength: 1, maxLength: 3 });
  const required = require ? requiredGeneArb(family, require).map((g) => [g]) : fc.constant([]);
  const genes = fc.array(geneArb(family, 2), { minLength: require ? minOps - 1 : minOps, maxLength: require ? maxOps - 1 : maxOps });
  return fc.record({ shapes, genes, required, at: fc.nat(), seed: fc.integer() }).map(({ shapes, genes, required, at, seed }) => {
    const position = requiredLast ? genes.length : at % (genes.length + 1);
    const all = [...genes.slice(0, position), ...required, ...genes.slice(position)];
    return new FuzzCase(resolve(shapes, all, family), seed);
  });
}
