import { describe, expect, test } from "vitest";
import { ValueError, makeProgram, nn, np, typecheck } from "./index.js";

describe("makeProgram", () => {
  test("the DESIGN example", () => {
    const f = (x: np.Array) => np.sum(np.sin(x).mul(x));
    const program = makeProgram(f)(np.array([1, 2, 3]));
    typecheck(program);
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3] .
        let b:f32[3] = sin a
            c:f32[3] = mul b a
            d:f32[] = reduce_sum[axes=[0]] c
        in ( d ) }"
    `);
  });

  test("weak numbers become literals broadcast to the array's shape and dtype", () => {
    const program = makeProgram((x: np.Array) => x.mul(2).add(1))(np.zeros([2], { dtype: "int32" }));
    typecheck(program);
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:i32[2] .
        let b:i32[2] = broadcast_in_dim[shape=[2] broadcastDimensions=[]] 2
            c:i32[2] = mul a b
            d:i32[2] = broadcast_in_dim[shape=[2] broadcastDimensions=[]] 1
            e:i32[2] = add c d
        in ( e ) }"
    `);
  });

  test("broadcasting and promotion insert broadcast_in_dim and convert_element_type", () => {
    const program = makeProgram((x: np.Array, y: np.Array) => np.add(x, y))(np.zeros([2, 3]), np.zeros([3], { dtype: "int32" }));
    typecheck(program);
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[2,3] b:i32[3] .
        let c:f32[3] = convert_element_type[newDtype=float32] b
            d:f32[2,3] = broadcast_in_dim[shape=[2,3] broadcastDimensions=[1]] c
            e:f32[2,3] = add a d
        in ( e ) }"
    `);
  });

  test("matmul, mean and logsumexp", () => {
    const program = makeProgram((w: np.Array, x: np.Array) => nn.logsumexp(np.matmul(x, w), -1).mean())(np.zeros([3, 2]), np.zeros([4, 3]));
    typecheck(program);
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[3,2] b:f32[4,3] .
        let c:f32[4,2] = dot_general[lhsContracting=[1] rhsContracting=[0] lhsBatch=[] rhsBatch=[]] b a
            d:f32[4] = reduce_max[axes=[1]] c
            e:f32[4,1] = reshape[newSizes=[4,1]] d
            f:f32[4,1] = stop_gradient e
            g:bool[4,1] = is_finite f
            h:f32[4,1] = broadcast_in_dim[shape=[4,1] broadcastDimensions=[]] 0.0
            i:f32[4,1] = select g f h
            j:f32[4,2] = broadcast_in_dim[shape=[4,2] broadcastDimensions=[0,1]] i
            k:f32[4,2] = sub c j
            l:f32[4,2] = exp k
            m:f32[4] = reduce_sum[axes=[1]] l
            n:f32[4,1] = reshape[newSizes=[4,1]] m
            o:f32[4,1] = log n
            p:f32[4,1] = add o i
            q:f32[4] = reshape[newSizes=[4]] p
            r:f32[] = reduce_sum[axes=[0]] q
            s:f32[] = div r 4.0
        in ( s ) }"
    `);
  });

  test("pytree arguments and outputs; numbers are float32 scalars", () => {
    const f = (params: { w: np.Array; b: np.Array }, x: number) => ({ y: params.w.mul(x).add(params.b), s: [x] });
    const program = makeProgram(f)({ w: np.zeros([2]), b: np.zeros([2]) }, 3);
    typecheck(program);
    expect(program.inAvals.map(String)).toEqual(["f32[2]", "f32[2]", "f32[]"]);
    expect(program.outAvals.map(String)).toEqual(["f32[]", "f32[2]"]);
    expect(program.outTree).toEqual({
      kind: "object",
      keys: ["s", "y"],
      children: [{ kind: "array", children: [{ kind: "leaf" }] }, { kind: "leaf" }],
    });
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[2] b:f32[2] c:f32[] .
        let d:f32[2] = broadcast_in_dim[shape=[2] broadcastDimensions=[]] c
            e:f32[2] = mul b d
            f:f32[2] = add e a
        in ( c, f ) }"
    `);
  });

  test("captured arrays become constants", () => {
    const c = np.array([1, 2]);
    const program = makeProgram((x: np.Array) => x.add(c))(np.zeros([2]));
    typecheck(program);
    expect(program.constBinders).toHaveLength(1);
    expect(program.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f32[2] ; b:f32[2] .
        let c:f32[2] = add b a
        in ( c ) }"
    `);
  });

  test("bad argument leaves are a ValueError", () => {
    expect(() => makeProgram((s: unknown) => s as np.Array)("text")).toThrow(ValueError);
  });
});
