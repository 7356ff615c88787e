/**
 * The inverse error function, built from lax ops as XLA builds JAX's `lax.erf_inv` (StableHLO's
 * CHLO decomposition, `erfInv32` / `erfInv64` in ChloLegalizeToStablehlo.cpp): M. Giles,
 * "Approximating the erfinv function" (GPU Computing Gems, 2011), a polynomial in
 * w = -log(1 - x²) on each of two (float32) or three (float64) ranges of w. Each op rounds to
 * the operand's dtype as XLA's do, so results agree with JAX's to a few ulps.
 */
import type { Tracer } from "@lintra/core-ir";
import * as lax from "../lax.js";
import { fullLikeScalar } from "../operands.js";

const W_LT_5 = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const W_GE_5 = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

const W_LT_625 = [
  -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18, 1.115787767802518096e-17, -1.333171662854620906e-16,
  2.0972767875968561637e-17, 6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14, 2.6335093153082322977e-12,
  -1.2975133253453532498e-11, -5.4154120542946279317e-11, 1.051212273321532285e-9, -4.1126339803469836976e-9, -2.9070369957882005086e-8,
  4.2347877827932403518e-7, -1.3654692000834678645e-6, -1.3882523362786468719e-5, 0.0001867342080340571352, -0.00074070253416626697512,
  -0.0060336708714301490533, 0.24015818242558961693, 1.6536545626831027356,
];
const W_LT_16 = [
  2.2137376921775787049e-9, 9.0756561938885390979e-8, -2.7517406297064545428e-7, 1.8239629214389227755e-8, 1.5027403968909827627e-6,
  -4.013867526981545969e-6, 2.9234449089955446044e-6, 1.2475304481671778723e-5, -4.7318229009055733981e-5, 6.8284851459573175448e-5,
  2.4031110387097893999e-5, -0.0003550375203628474796, 0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
  -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334, 3.0838856104922207635,
];
const W_GE_16 = [
  -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-9, -3.7894654401267369937e-9, 7.6157012080783393804e-9,
  -1.4960026627149240478e-8, 2.9147953450901080826e-8, -6.7711997758452339498e-8, 2.2900482228026654717e-7, -9.9298272942317002539e-7,
  4.5260625972231537039e-6, -1.9681778105531670567e-5, 7.5995277030017761139e-5, -0.00021503011930044477347, -0.00013871931833623122026,
  1.0103004648645343977, 4.8499064014085844221,
];

/** erfinv(x) for float32 or float64 x; ±1 give ±Inf, |x| > 1 NaN. */
export function erfInv(x: Tracer): Tracer {
  const c = (v: number) => fullLikeScalar(x, v);
  // w = -log1p(-x²), with -x² formed as x · (-x)
  const w0 = lax.neg(lax.log1p(lax.mul(x, lax.neg(x))));
  const p = x.dtype === "float64" ? poly64(w0, c) : poly32(w0, c);
  return lax.select(lax.eq(lax.abs(x), c(1)), lax.mul(x, c(Infinity)), lax.mul(p, x));
}

function poly32(w0: Tracer, c: (v: number) => Tracer): Tracer {
  const lt5 = lax.lt(w0, c(5));
  const coef = (i: number) => lax.select(lt5, c(W_LT_5[i]), c(W_GE_5[i]));
  const w = lax.select(lt5, lax.sub(w0, c(2.5)), lax.sub(lax.sqrt(w0), c(3)));
  let p = coef(0);
  for (let i = 1; i < W_LT_5.length; i++) p = lax.add(coef(i), lax.mul(p, w));
  return p;
}

function poly64(w0: Tracer, c: (v: number) => Tracer): Tracer {
  const lt625 = lax.lt(w0, c(6.25));
  const lt16 = lax.lt(w0, c(16));
  const coef = (i: number) => {
    let k = c(W_LT_625[i]);
    if (i < 19) k = lax.select(lt625, k, c(W_LT_16[i]));
    if (i < 17) k = lax.select(lt16, k, c(W_GE_16[i]));
    return k;
  };
  const far = lax.sub(lax.sqrt(w0), lax.select(lt16, c(3.25), c(5)));
  const w = lax.select(lt625, lax.sub(w0, c(3.125)), far);
  const step = (p: Tracer, i: number) => lax.add(coef(i), lax.mul(p, w));
  let p = coef(0);
  for (let i = 1; i < 17; i++) p = step(p, i);
  for (let i = 17; i < 19; i++) p = lax.select(lt16, step(p, i), p);
  for (let i = 19; i < 23; i++) p = lax.select(lt625, step(p, i), p);
  return p;
}
