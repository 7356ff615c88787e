// TensorFlow.js on its WebAssembly backend (XNNPACK). In Node it is single-threaded: the wasm
// backend turns off its thread pool there, whatever setThreadsCount says.
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { CHAIN_A, CHAIN_B, PARAM_NAMES, type ParamName } from "../data.js";
import { type Peer, packageVersion, runPeer } from "./run.js";

// The .wasm binaries sit next to the package's entry point; Node needs a file path, not a URL.
const from = import.meta.url;
const entry = createRequire(from).resolve("@tensorflow/tfjs-backend-wasm");
setWasmPaths(path.dirname(entry) + path.sep);
if (!(await tf.setBackend("wasm"))) throw new Error("tfjs: the wasm backend failed to initialise");
await tf.ready();

/**
 * Compute inside tf.tidy (so intermediates are freed) and read the result back. The typed array
 * must not be tidy's return value: tidy walks what it returns looking for tensors, element by
 * element, which costs more than the matmul itself at n = 512.
 */
function readTidy(fn: () => tf.Tensor): Float32Array {
  let out: Float32Array = new Float32Array(0);
  tf.tidy(() => {
    out = fn().dataSync() as Float32Array;
  });
  return out;
}

const peer: Peer = {
  matmul(n, a, b) {
    const ta = tf.tensor2d(a, [n, n]);
    const tb = tf.tensor2d(b, [n, n]);
    return {
      run: () => readTidy(() => tf.matMul(ta, tb)),
      dispose: () => tf.dispose([ta, tb]),
    };
  },

  chain(x) {
    const tx = tf.tensor1d(x);
    return {
      run: () => readTidy(() => tf.mul(tf.tanh(tf.add(tf.mul(tx, CHAIN_A), CHAIN_B)), tf.exp(tf.neg(tf.mul(tx, tx))))),
      dispose: () => tx.dispose(),
    };
  },

  mlp(d, lr) {
    const vars = {} as Record<ParamName, tf.Variable>;
    for (const k of PARAM_NAMES) vars[k] = tf.variable(tf.tensor(d.params[k].data, d.params[k].shape), true, k);
    const varList = PARAM_NAMES.map((k) => vars[k]);
    const x = tf.tensor2d(d.x.data, d.x.shape as [number, number]);
    const onehot = tf.tensor2d(d.onehot.data, d.onehot.shape as [number, number]);
    const loss = (): tf.Scalar => {
      const h1 = tf.relu(tf.add(tf.matMul(x, vars.w1), vars.b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, vars.w2), vars.b2));
      const logits = tf.add(tf.matMul(h2, vars.w3), vars.b3);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits, -1)), -1)));
    };
    return {
      forward: () => readTidy(loss)[0],
      valueAndGrad() {
        const read = {} as Record<ParamName, Float32Array>;
        let value = NaN;
        tf.tidy(() => {
          const result = tf.variableGrads(loss, varList);
          for (const k of PARAM_NAMES) read[k] = result.grads[k].dataSync() as Float32Array;
          value = result.value.dataSync()[0];
        });
        return { loss: value, grads: read };
      },
      sgdStep() {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(loss, varList);
          for (const k of PARAM_NAMES) vars[k].assign(tf.sub(vars[k], tf.mul(grads[k], lr)));
        });
        for (const k of PARAM_NAMES) vars[k].dataSync();
      },
      dispose: () => tf.dispose([...varList, x, onehot]),
    };
  },
};

runPeer(
  {
    label: "tfjs wasm",
    lib: "@tensorflow/tfjs",
    version: packageVersion("@tensorflow/tfjs", from),
    backend: tf.getBackend(),
    threads: `${getThreadsCount()} (XNNPACK pool; no wasm threads in Node)`,
  },
  peer,
);
