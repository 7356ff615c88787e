// lintra, eager, on the WebAssembly backend when @lintra/backend-wasm imports and this engine has
// WebAssembly SIMD; otherwise on backend-cpu, and the output says so and why.
// `node … lintra.ts cpu` forces backend-cpu; `… lintra.ts wasm` fails instead of falling back.
// `node … lintra.ts jit` (with or without a backend) runs every case under `jit`: each function
// is staged once and handed to the backend as one program; the SGD step is one program from
// parameters to new parameters, which it donates (JAX's donate_argnums).
// `threads=N` runs backend-wasm's kernels on N threads (default 1, as the peers here run).
import { type Backend, getBackend, jit, np, setBackend, tidy, valueAndGrad } from "lintra";
import { CHAIN_A, CHAIN_B, type HostArray, PARAM_NAMES, type ParamName } from "../data.js";
import { type Params, loss, sgd } from "../mlp.js";
import { type Peer, packageVersion, runPeer } from "./run.js";

interface WasmBackendModule {
  wasmBackend?: Backend;
  wasmSimdSupported?: () => boolean;
  setWasmThreads?: (n: number) => void;
}

// Not a literal, so that typechecking this package does not compile the backend's sources.
const WASM_PACKAGE: string = "@lintra/backend-wasm";

/** Select the requested backend; returns why the wasm backend is not used, if it is not. */
async function selectBackend(requested: string): Promise<string | undefined> {
  if (requested === "cpu") {
    setBackend("cpu");
    return "backend-cpu requested";
  }
  let reason: string;
  try {
    const mod = (await import(WASM_PACKAGE)) as WasmBackendModule;
    if (mod.wasmSimdSupported && !mod.wasmSimdSupported()) {
      reason = "this engine has no WebAssembly SIMD";
    } else {
      setBackend(mod.wasmBackend ?? "wasm");
      mod.setWasmThreads?.(threads);
      return undefined;
    }
  } catch (e) {
    reason = `${WASM_PACKAGE} is not available: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  if (requested === "wasm") throw new Error(reason);
  setBackend("cpu");
  return reason;
}

const args = process.argv.slice(2);
const useJit = args.includes("jit");
const threads = Number(args.find((a) => a.startsWith("threads="))?.split("=")[1] ?? 1);
const note = await selectBackend(args.find((a) => a !== "jit" && !a.startsWith("threads=")) ?? process.env.LINTRA_BACKEND ?? "auto");
const backend = getBackend().name;
if (note) process.stderr.write(`lintra: running on backend '${backend}' (${note})\n`);

const toArray = (h: HostArray) => np.array(h.data).reshape(h.shape);
const read = (x: np.Array) => x.dataSync() as Float32Array;
/**
 * Run `fn` and copy out what it reads, giving back every array it made, as the tfjs peer's
 * `tf.tidy` + `dataSync()` do: the timing loop never yields, so without it the results of
 * thousands of runs would wait for finalizers (and the memory grow) until it ends.
 */
const readTidy = <T>(fn: () => T): T => tidy(fn);

const matmul = (a: np.Array, b: np.Array) => np.matmul(a, b);
const chain = (x: np.Array) => np.tanh(x.mul(CHAIN_A).add(CHAIN_B)).mul(np.exp(x.mul(x).neg()));
/** `f` as the case runs it: under `jit`, or as it is. */
const maybeJit = <F extends (...a: any[]) => any>(f: F): F => (useJit ? (jit(f) as F) : f);

const peer: Peer = {
  matmul(n, a, b) {
    const ta = np.array(a).reshape([n, n]);
    const tb = np.array(b).reshape([n, n]);
    const f = maybeJit(matmul);
    return { run: () => readTidy(() => read(f(ta, tb)).slice()) };
  },

  chain(x) {
    const tx = np.array(x);
    const f = maybeJit(chain);
    return { run: () => readTidy(() => read(f(tx)).slice()) };
  },

  mlp(d, lr) {
    let params = {} as Params;
    for (const k of PARAM_NAMES) params[k] = toArray(d.params[k]);
    const x = toArray(d.x);
    const onehot = toArray(d.onehot);
    const eagerLossAndGrad = valueAndGrad(loss);
    const forward = maybeJit(loss);
    const lossAndGrad = maybeJit(eagerLossAndGrad);
    const step = (p: Params, xs: np.Array, oh: np.Array): Params => sgd(p, eagerLossAndGrad(p, xs, oh)[1] as Params, lr);
    const sgdStep = useJit ? jit(step, { donateArgnums: 0 }) : step;
    return {
      forward: () => readTidy(() => read(forward(params, x, onehot))[0]),
      valueAndGrad: () =>
        readTidy(() => {
          const [value, g] = lossAndGrad(params, x, onehot);
          const grads = {} as Record<ParamName, Float32Array>;
          for (const k of PARAM_NAMES) grads[k] = read((g as Params)[k]).slice();
          return { loss: read(value)[0], grads };
        }),
      sgdStep() {
        const next = tidy(() => sgdStep(params, x, onehot));
        for (const k of PARAM_NAMES) params[k].dispose(); // (already given up where donated)
        params = next;
        for (const k of PARAM_NAMES) read(params[k]);
      },
    };
  },
};

runPeer(
  {
    label: `lintra ${backend}${useJit ? " jit" : ""}${threads > 1 && backend === "wasm" ? ` ${threads} threads` : ""}`,
    lib: "lintra",
    version: packageVersion("lintra", import.meta.url),
    backend,
    threads: backend === "wasm" && threads > 1 ? `${threads} (main thread + worker threads over one shared memory)` : "1 (main thread)",
    ...(note ? { note } : {}),
  },
  peer,
);
