import type { DType } from "../dtype.js";
import { type Fusible, type FusedGroup, broadcastStrides } from "../fusion.js";
import { Lit, type Var } from "../program.js";
import { type ElementOpPrim, convertExpression, elementExpression, elementOps } from "./emit-elementwise.js";
import { TYPED_ARRAY, numberOperand, storedValue } from "./literals.js";
import type { Namer } from "./names.js";
import type { SourceWriter } from "./writer.js";

/*
 * A fused group as one loop: each member's element expression (from the same op table as
 * the single-equation loops) bound to a local, rounded to its dtype exactly as storing it
 * into its typed array would (float32: Math.fround, int32: | 0; bools are 0/1 already), so
 * the results equal the unfused program's bit for bit. Only the group's outputs are stored.
 */

/** What the source generator fuses: ops of the element table, conversions, broadcasts. */
export const fusibleInSource: Fusible = (eqn) =>
  eqn.prim === "broadcast_in_dim" || ((Object.hasOwn(elementOps, eqn.prim) || eqn.prim === "convert_element_type") && eqn.inputs.length > 0);

/** The value an element expression leaves, as its dtype's typed array would store it. */
function stored(expr: string, dtype: DType): string {
  if (dtype === "float32") return `Math.fround(${expr})`;
  if (dtype === "int32") return `(${expr}) | 0`;
  return expr;
}

/** Write `group` as declarations of its outputs and one loop (nested where it reads broadcasts). */
export function writeFusedGroup(group: FusedGroup, namer: Namer, w: SourceWriter): void {
  const { shape } = group;
  const size = shape.reduce((a, b) => a * b, 1);
  for (const v of group.outputs) w.line(`const ${namer.name(v)} = new ${TYPED_ARRAY[v.aval.dtype]}(${size});`);
  if (size === 0) return;
  // Broadcast operands read at other indices than the output's: nested loops give each axis an index.
  const broadcasts = group.eqns.filter((e) => e.prim === "broadcast_in_dim" && !(e.inputs[0] instanceof Lit) && e.inputs[0].aval.size !== size);
  const flat = w.fresh("k");
  const axes = broadcasts.length ? shape.map(() => w.fresh("i")) : [];
  const values = new Map<Var, string>();
  const body = () => {
    for (const e of group.eqns) {
      const read = (a: (typeof e.inputs)[number]) =>
        a instanceof Lit ? numberOperand(storedValue(a.value, a.aval.dtype)) : (values.get(a) ?? `${namer.name(a)}[${flat}]`);
      if (e.prim === "broadcast_in_dim") {
        const [x] = e.inputs;
        if (x instanceof Lit || x.aval.size === size) {
          values.set(e.outs[0], x instanceof Lit ? read(x) : `${namer.name(x)}[${flat}]`);
          continue;
        }
        const s = broadcastStrides(x.aval.shape, shape, (e.params as { broadcastDimensions: readonly number[] }).broadcastDimensions);
        const index = axes.map((i, d) => (s[d] === 0 ? "" : s[d] === 1 ? i : `${i} * ${s[d]}`)).filter(Boolean).join(" + ") || "0";
        values.set(e.outs[0], `${namer.name(x)}[${index}]`);
        continue;
      }
      const dtype = e.inputs[0].aval.dtype;
      const op =
        e.prim === "convert_element_type"
          ? convertExpression(dtype, (e.params as { newDtype: DType }).newDtype)
          : elementExpression(elementOps[e.prim as ElementOpPrim], dtype);
      const local = w.fresh("v");
      const outDType = e.outs[0].aval.dtype;
      w.line(`const ${local} = ${stored(op(e.inputs.map(read), w), outDType)};`);
      values.set(e.outs[0], local);
    }
    for (const v of group.outputs) w.line(`${namer.name(v)}[${flat}] = ${values.get(v)};`);
  };
  if (!axes.length) {
    w.block(`for (let ${flat} = 0; ${flat} < ${size}; ${flat}++) {`, body);
    return;
  }
  const nest = (d: number): void => {
    const last = d === shape.length - 1;
    w.block(`for (let ${axes[d]} = 0; ${axes[d]} < ${shape[d]}; ${axes[d]}++${last ? `, ${flat}++` : ""}) {`, last ? body : () => nest(d + 1));
  };
  w.block("{", () => {
    w.line(`let ${flat} = 0;`);
    nest(0);
  });
}
