/**
 * Inputs that used to take the process down (V8 out of memory, stack overflow, an unhandled
 * rejection ending Node), run by crashes.test.ts in a process of their own:
 * `tsx crash-cases.ts <backend>`. Each case prints one JSON line with the error class it
 * got; afterwards the process computes a gradient and exits normally (Node's default ends
 * the process on an unhandled rejection, so surviving the final wait is part of the check).
 */
import { grad, np, setBackend } from "../../src/index.js";

const backend = process.argv[2];
setBackend(backend);

const cases: Record<string, () => unknown> = {
  "np.arange beyond the array limit": () => np.arange(backend === "wasm" ? 1e9 : 2e9),
  "np.zeros of 16 GiB": () => np.zeros([65536, 65536]),
  "np.zeros(1e10)": () => np.zeros(1e10),
  "np.arange(0, Infinity)": () => np.arange(0, Infinity),
  "np.array of a 100,000-deep nested list": () => {
    let v: unknown = [1];
    for (let i = 0; i < 100_000; i++) v = [v];
    return np.array(v as number[]);
  },
  // @ts-expect-error a function returning a Promise: the types reject it, plain JS reaches the typed error
  "grad of an async function": () => grad(async (x: np.Array) => np.sum(x) as never)(np.array([1, 2])),
  "grad of a function whose promise rejects later": () =>
    grad((x: np.Array) => new Promise((_, reject) => setTimeout(() => reject(new Error(`late use of ${x.aval}`)), 10)) as never)(np.array([1])),
  "a cyclic pytree": () => {
    const p: Record<string, unknown> = { w: np.array([1]) };
    p.self = p;
    return grad((q: { w: np.Array }) => np.sum(q.w))(p as never);
  },
};

for (const [name, run] of Object.entries(cases)) {
  let error = "none";
  try {
    run();
  } catch (e) {
    error = (e as Error).constructor.name;
  }
  console.log(JSON.stringify({ name, error }));
}
await new Promise((r) => setTimeout(r, 50));
const g = grad((x: np.Array) => np.sum(x.mul(x)))(np.array([1, 2])).toArray();
console.log(JSON.stringify({ name: "afterwards", gradient: g }));
