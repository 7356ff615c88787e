import { type MainTrace, type Params, type Prim, type ShapedArray, Trace, Tracer, ValueError, asInternal, bind, newMain } from "@lintra/core-ir";
import { jvpRules } from "./jvp-rules.js";
import { type Tangent, Zero, hasTangent, isZero } from "./zero.js";

/** A value carrying its primal and its tangent through forward mode. */
export class JVPTracer extends Tracer {
  constructor(
    trace: Trace,
    readonly primal: Tracer,
    readonly tangent: Tangent,
  ) {
    super(trace);
  }
  get aval(): ShapedArray {
    return this.primal.aval;
  }
  /** A zero tangent carries no information: drop out of the JVP trace. */
  override fullLower(): Tracer {
    return isZero(this.tangent) ? this.primal.fullLower() : this;
  }
}

export class JVPTrace extends Trace {
  lift(val: Tracer): Tracer {
    return new JVPTracer(this, val, new Zero(val.aval));
  }

  processPrimitive<P extends Prim>(prim: P, tracers: Tracer[], params: Params<P>, outAvals: ShapedArray[]): Tracer[] {
    const n = tracers.length;
    const primals = new Array<Tracer>(n);
    const tangents = new Array<Tangent>(n);
    let anyTangent = false;
    for (let i = 0; i < n; i++) {
      const t = tracers[i] as JVPTracer;
      primals[i] = t.primal;
      tangents[i] = hasTangent(t.aval) ? t.tangent : new Zero(t.aval);
      if (!isZero(tangents[i])) anyTangent = true;
    }
    if (!anyTangent || !outAvals.some(hasTangent)) {
      const outs = asInternal(() => bind(prim, primals, params));
      const lifted = new Array<Tracer>(outs.length);
      for (let i = 0; i < outs.length; i++) lifted[i] = new JVPTracer(this, outs[i], new Zero(outAvals[i]));
      return lifted;
    }
    const [primalsOut, tangentsOut] = asInternal(() => jvpRules[prim](primals, tangents, params, outAvals));
    const out = new Array<Tracer>(primalsOut.length);
    for (let i = 0; i < primalsOut.length; i++) {
      out[i] = new JVPTracer(this, primalsOut[i], hasTangent(outAvals[i]) ? tangentsOut[i] : new Zero(outAvals[i]));
    }
    return out;
  }
}

/** Forward mode on flat lists: the primal outputs and their tangents (possibly symbolic zeros). */
export function jvpFlat(f: (...xs: Tracer[]) => Tracer[], primals: readonly Tracer[], tangents: readonly Tangent[]): [Tracer[], Tangent[]] {
  return newMain("jvp", (main: MainTrace) => new JVPTrace(main), null, (main) => {
    const trace = main.trace;
    const ins = primals.map((p, i) => {
      const t = tangents[i];
      if (!isZero(t) && !t.aval.equals(p.aval)) {
        throw new ValueError(`jvp: tangent ${i} has type ${t.aval}; expected ${p.aval}, the type of its primal`);
      }
      return new JVPTracer(trace, p, hasTangent(p.aval) ? t : new Zero(p.aval));
    });
    const outs = f(...ins).map((o) => trace.fullRaise(o) as JVPTracer);
    return [outs.map((o) => o.primal), outs.map((o) => o.tangent)];
  });
}
