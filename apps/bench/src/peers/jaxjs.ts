// jax-js on its WebAssembly device. `node … jaxjs.ts jit` wraps every function in jax-js's `jit`
// (operator fusion); without it, operations are dispatched eagerly (jax-js still evaluates
// lazily until a read). Single-threaded in Node 20: its thread pool needs Web Workers.
// jax-js counts references by hand: every function consumes its arguments, `.ref` keeps one.
import { defaultDevice, init, jit, nn, numpy as np, tree, valueAndGrad } from "@jax-js/jax";
import { CHAIN_A, CHAIN_B, type HostArray, PARAM_NAMES, type ParamName } from "../data.js";
import { type Peer, packageVersion, runPeer } from "./run.js";

// Plain init() also tries WebGPU/WebGL and crashes on Node 20; ask for the devices we need.
const devices = await init("cpu", "wasm");
if (!devices.includes("wasm")) throw new Error(`jax-js: no wasm device (got ${devices.join(", ")})`);
defaultDevice("wasm");

const useJit = process.argv[2] === "jit";

type Params = Record<ParamName, np.Array>;

const toArray = (h: HostArray) => np.array(h.data).reshape(h.shape);
/** Read back and release (dataSync consumes its array). */
const read = (x: np.Array) => x.dataSync() as Float32Array;

function loss(p: Params, x: np.Array, onehot: np.Array): np.Array {
  const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
  const logits = np.matmul(h2, p.w3).add(p.b3);
  return np.mean(np.sum(onehot.mul(nn.logSoftmax(logits, -1)), -1)).neg();
}

function chain(x: np.Array): np.Array {
  return np.tanh(x.ref.mul(CHAIN_A).add(CHAIN_B)).mul(np.exp(x.ref.mul(x).neg()));
}

const matmul = (a: np.Array, b: np.Array) => np.matmul(a, b);

const peer: Peer = {
  matmul(n, a, b) {
    const ta = toArray({ data: a, shape: [n, n] });
    const tb = toArray({ data: b, shape: [n, n] });
    const jitted = useJit ? jit(matmul) : undefined;
    const f = jitted ?? matmul;
    return {
      run: () => read(f(ta.ref, tb.ref)),
      dispose() {
        ta.dispose();
        tb.dispose();
        jitted?.dispose();
      },
    };
  },

  chain(x) {
    const tx = np.array(x);
    const jitted = useJit ? jit(chain) : undefined;
    const f = jitted ?? chain;
    return {
      run: () => read(f(tx.ref)),
      dispose() {
        tx.dispose();
        jitted?.dispose();
      },
    };
  },

  mlp(d, lr) {
    let params = {} as Params;
    for (const k of PARAM_NAMES) params[k] = toArray(d.params[k]);
    const x = toArray(d.x);
    const onehot = toArray(d.onehot);
    const lossAndGrad = valueAndGrad(loss);
    const step = (p: Params, xs: np.Array, oh: np.Array): Params => {
      const [value, g] = lossAndGrad(tree.ref(p), xs, oh);
      value.dispose();
      const out = {} as Params;
      for (const k of PARAM_NAMES) out[k] = p[k].sub(g[k].mul(lr));
      return out;
    };
    const jitted = useJit ? { fwd: jit(loss), vg: jit(lossAndGrad), sgd: jit(step) } : undefined;
    const { fwd, vg, sgd } = jitted ?? { fwd: loss, vg: lossAndGrad, sgd: step };
    return {
      forward: () => read(fwd(tree.ref(params), x.ref, onehot.ref))[0],
      valueAndGrad() {
        const [value, g] = vg(tree.ref(params), x.ref, onehot.ref);
        const grads = {} as Record<ParamName, Float32Array>;
        for (const k of PARAM_NAMES) grads[k] = read(g[k]);
        return { loss: read(value)[0], grads };
      },
      sgdStep() {
        params = sgd(params, x.ref, onehot.ref);
        for (const k of PARAM_NAMES) read(params[k].ref);
      },
      dispose() {
        tree.dispose(params);
        x.dispose();
        onehot.dispose();
        if (jitted) for (const f of Object.values(jitted)) f.dispose();
      },
    };
  },
};

runPeer(
  {
    label: useJit ? "jax-js wasm jit" : "jax-js wasm",
    lib: "@jax-js/jax",
    version: packageVersion("@jax-js/jax", import.meta.url),
    backend: defaultDevice(),
    threads: typeof Worker === "undefined" ? "1 (no Web Workers in Node)" : "worker pool",
  },
  peer,
);
