import { typecheck } from "@lintra/core-ir";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConcretizationError,
  EscapedTracerError,
  TransformError,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  linearTranspose,
  linearize,
  makeProgram,
  nn,
  np,
  setBackend,
  valueAndGrad,
  vjp,
} from "../src/index.js";

/**
 * jit is a higher-order primitive with every rule, so every composition of it with the
 * other transformations must give the numbers the plain function gives (the agreement test
 * of autodidax), and those must match finite differences, which use no transformation.
 */

let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randn = (shape: number[]) => np.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rand), { dtype: "float64" }).reshape(shape);
const f64 = (v: unknown) => np.array(v as number[], { dtype: "float64" });
const one = () => f64(1).reshape([]);
const flat = (x: np.Array) => Array.from(x.dataSync());
const inner = (a: np.Array, b: np.Array) => flat(a).reduce((s, v, i) => s + v * flat(b)[i], 0);
const fd = (f: (x: np.Array) => np.Array, x: np.Array, t: np.Array, eps = 1e-6) => (f(x.add(t.mul(eps))).item() - f(x.sub(t.mul(eps))).item()) / (2 * eps);
const tight = { rtol: 1e-10, atol: 1e-12 };

function functions() {
  const x = randn([5, 4]);
  const labels = nn.oneHot(np.array([0, 2, 1, 1, 0], { dtype: "int32" }), 3).astype("float64");
  const w2 = randn([6, 3]);
  const mlp = (w1: np.Array) => {
    const h = np.tanh(np.matmul(x, w1));
    return np.mean(np.sum(labels.mul(nn.logSoftmax(np.matmul(h, w2), -1)), -1)).neg();
  };
  const idx = np.array([2, 0, 2], { dtype: "int32" });
  const indexing = (v: np.Array) => np.sum(np.square(np.take(v, idx, 0))).add(np.sum(np.sin(v.slice([1, 3], [null, null, 2])))).add(nn.logsumexp(v));
  // Creates constants inside (zeros, arange, eye): under jit they are staged, not baked in.
  const creation = (v: np.Array) => np.sum(np.matmul(v.add(np.eye(4, 4, { k: 1, dtype: "float64" })), np.arange(4, undefined, 1, { dtype: "float64" })).add(np.zeros([4], { dtype: "float64" })).mul(v.sum(1)));
  return [
    ["an MLP loss", mlp, randn([4, 6])],
    ["gather, slices and logsumexp", indexing, randn([4, 4])],
    ["constants created inside", creation, randn([4, 4])],
  ] as const;
}

describe.each(["cpu", "wasm"])("jit on %s", (backend) => {
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend("cpu"));

  describe.each(functions())("agrees through every composition: %s", (_name, f, x) => {
    const g = () => grad(f)(x) as np.Array;
    const t = randn([...x.shape]);
    const jf = jit(f);

    it("jit(f), jit(jit(f)) = f", () => {
      expect(jf(x)).toBeAllclose(f(x), tight);
      expect(jit(jit(f))(x)).toBeAllclose(f(x), tight);
    });
    it("grad(jit(f)), jit(grad(f)), grad(jit(jit(f))), jit(grad(jit(f))) = grad(f), and J·t matches finite differences", () => {
      const expected = g();
      expect(grad(jf)(x)).toBeAllclose(expected, tight);
      expect(jit(grad(f))(x)).toBeAllclose(expected, tight);
      expect(grad(jit(jit(f)))(x)).toBeAllclose(expected, tight);
      expect(jit(grad(jf))(x)).toBeAllclose(expected, tight);
      expect(inner(expected, t)).toBeAllclose(fd(f, x, t), { rtol: 1e-6, atol: 1e-8 });
    });
    it("jvp(jit(f)), jit(jvp(f)), linearize(jit(f)) and its transpose, vjp(jit(f))", () => {
      const [y, yDot] = jvp(jf, [x], [t]);
      expect(y).toBeAllclose(f(x), tight);
      expect(yDot.item()).toBeAllclose(inner(g(), t), tight);
      const [, jDot] = jit((a: np.Array, b: np.Array) => jvp(f, [a], [b]))(x, t);
      expect(jDot.item()).toBeAllclose(inner(g(), t), tight);
      const [, fLin] = linearize(jf, x);
      typecheck(fLin.program);
      expect(fLin(t).item()).toBeAllclose(inner(g(), t), tight);
      expect(linearTranspose(fLin)(one())[0]).toBeAllclose(g(), tight);
      const [, fVjp] = vjp(jf, x);
      expect(fVjp(one())[0]).toBeAllclose(g(), tight);
    });
    it("jacfwd(jit(f)) and jacrev(jit(f)) = grad(f)", () => {
      expect(jacfwd(jf)(x)).toBeAllclose(g(), tight);
      expect(jacrev(jf)(x)).toBeAllclose(g(), tight);
    });
  });

  it("hessian(jit(f)) = jit(hessian(f)) = hessian(f), and a jvp of grad(jit(f)) is a Hessian-vector product", () => {
    const f = (z: np.Array) => np.sum(np.tanh(z).mul(z).mul(z)).add(np.prod(z));
    const v = randn([3]);
    const t = randn([3]);
    const H = hessian(f)(v);
    expect(hessian(jit(f))(v)).toBeAllclose(H, tight);
    expect(jit(hessian(f))(v)).toBeAllclose(H, tight);
    const [, hvp] = jvp((z: np.Array) => grad(jit(f))(z), [v], [t]);
    expect(hvp).toBeAllclose(np.matmul(H, t), tight);
  });

  it("takes and returns pytrees, and valueAndGrad of a jitted loss with pytree params", () => {
    const loss = jit((p: { w: np.Array; b: np.Array }, xin: np.Array) => ({ loss: np.sum(np.square(p.w.mul(xin).add(p.b))), n: xin.sum() }));
    const params = { w: f64([1, 2]), b: f64(0.5).reshape([]) };
    const xin = f64([3, 4]);
    const out = loss(params, xin);
    expect(out.loss.item()).toBeAllclose(3.5 ** 2 + 8.5 ** 2);
    expect(out.n.item()).toBe(7);
    const [value, gr] = valueAndGrad((p: typeof params) => loss(p, xin).loss)(params);
    expect(value.item()).toBeAllclose(3.5 ** 2 + 8.5 ** 2);
    expect(gr.w).toBeAllclose([2 * 3.5 * 3, 2 * 8.5 * 4]);
    expect(gr.b).toBeAllclose(2 * 3.5 + 2 * 8.5);
  });

  it("closes over a tracer of an enclosing transformation (passed in explicitly, not cached)", () => {
    const h = (x: np.Array) => jit((y: np.Array) => np.sin(y).mul(x))(x.mul(2));
    const v = f64([0.3, -1.2]);
    const expected = flat(v).map((a) => Math.cos(2 * a) * 2 * a + Math.sin(2 * a));
    expect(grad((x: np.Array) => np.sum(h(x)))(v)).toBeAllclose(expected, tight);
  });
});

describe("jit", () => {
  it("runs the function once per signature: shapes, dtypes, structure and static arguments", () => {
    let traces = 0;
    const f = jit((x: np.Array, k: number) => {
      traces++;
      return x.mul(k);
    }, { staticArgnums: [1] });
    expect(f(f64([1, 2]), 3).toArray()).toEqual([3, 6]);
    expect(f(f64([5, 6]), 3).toArray()).toEqual([15, 18]);
    expect(traces).toBe(1);
    f(f64([1, 2, 3]), 3);
    expect(traces).toBe(2);
    f(np.array([1, 2]), 3); // float32
    expect(traces).toBe(3);
    expect(f(f64([1, 2]), 4).toArray()).toEqual([4, 8]);
    expect(traces).toBe(4);
    f(f64([1, 2]), 3);
    expect(traces).toBe(4);
  });

  it("prints as a nested program in makeProgram", () => {
    function f(x: np.Array) {
      return np.sum(np.sin(x).mul(x));
    }
    const text = makeProgram(jit(f))(np.array([1, 2, 3])).toString();
    expect(text).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] .
        let f:f32[] = jit[name=f] { lambda b:f32[3] .
                let c:f32[3] = sin b
                    d:f32[3] = mul c b
                    e:f32[] = reduce_sum[axes=[0]] d
                in ( e ) } a
        in ( f ) }"
    `);
    typecheck(makeProgram(grad(jit(f)))(np.array([1, 2, 3])));
  });

  it("stages constants created inside: no array computed at trace time is a constant", () => {
    const program = makeProgram((x: np.Array) => np.zeros(1000).add(np.arange(1000)).add(np.eye(1000).sum(0)).add(np.linspace(0, 1, 1000)).add(x))(np.array(1));
    expect(program.consts).toEqual([]);
    typecheck(program);
    const inner = makeProgram(jit((x: np.Array) => np.ones([1000]).mul(x)))(np.array(1));
    expect(inner.consts).toEqual([]);
    expect(inner.toString()).not.toMatch(/f32\[1000\] ;/);
  });

  it("a tracer stored inside and used later is an EscapedTracerError", () => {
    let leaked: np.Array | null = null;
    const f = jit((x: np.Array) => {
      leaked = x.mul(2);
      return x;
    });
    f(f64([1]));
    expect(() => np.sin(leaked!)).toThrow(EscapedTracerError);
  });

  it("reading a traced value on the host is a ConcretizationError naming lax.cond and staticArgnums", () => {
    const f = jit((x: np.Array) => (x.sum().item() > 0 ? x : x.neg()));
    expect(() => f(f64([1]))).toThrow(ConcretizationError);
    expect(() => f(f64([1]))).toThrow(/lax\.cond.*staticArgnums/);
  });

  it("a non-array leaf in the output is a TransformError naming its path", () => {
    const f = jit((x: np.Array) => ({ a: [x, "oops"] }) as never);
    expect(() => f(f64([1]))).toThrow(TransformError);
    expect(() => f(f64([1]))).toThrow(/\.a\[1\]/);
  });

  it("checks its options and arguments", () => {
    expect(() => jit(42 as never)).toThrow(TransformError);
    expect(() => jit((x: np.Array) => x, { staticArgnums: [1] })(f64([1]))).toThrow(/staticArgnums includes 1/);
  });
});

describe("jit options", () => {
  it("an unknown option is a typed error naming it", () => {
    expect(() => jit((x: np.Array) => x, { staticArgnum: 1 } as never)).toThrow(/unknown option 'staticArgnum'/);
    expect(() => jit((x: np.Array) => x, { staticArgnums: 0, donateArgnums: [0] })).toThrow(/both staticArgnums and donateArgnums/);
    expect(() => jit((x: np.Array) => x, { donateArgnums: [0, 0] })).toThrow(/donateArgnums \[0,0\] has duplicates/);
  });
});
