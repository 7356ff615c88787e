// lintra on @lintra/backend-gpujs beside lintra's other backends, in one process: f32 matmul
// and the MLP 784-512-512-10 (forward, valueAndGrad, one SGD step), each result read back.
//
//   xvfb-run -a pnpm --filter @lintra/bench exec tsx --conditions=@lintra/source src/gpujs.ts [--large]
//
// In Node, gpu.js runs on headless GL. Under Xvfb that is Mesa's llvmpipe: software GL,
// shaders compiled to CPU code. The numbers say what this backend costs on such a machine,
// not what a GPU does. `--large` adds matmul 1024.
import { type Backend, getBackend, np, setBackend, valueAndGrad } from "lintra";
import { type HostArray, PARAM_NAMES, SGD_LR, mlpData, pseudoRandom } from "./data.js";
import { type Params, loss, sgd } from "./mlp.js";
import { measure } from "./peers/run.js";

interface GpujsModule {
  createGpujsBackend(options?: { mode?: string }): Backend & { readonly mode: string };
}
interface WasmModule {
  wasmBackend: Backend;
}

// Not literals, so that typechecking this package does not compile the backends' sources.
const GPUJS_PACKAGE: string = "@lintra/backend-gpujs";
const WASM_PACKAGE: string = "@lintra/backend-wasm";

const gpujs = (await import(GPUJS_PACKAGE)) as GpujsModule;
const wasm = (await import(WASM_PACKAGE)) as WasmModule;
const gpujsBackend = gpujs.createGpujsBackend();
const sizes = process.argv.includes("--large") ? [128, 256, 512, 1024] : [128, 256, 512];

const read = (x: np.Array) => x.dataSync() as Float32Array;
const toArray = (h: HostArray) => np.array(h.data).reshape(h.shape);

interface Row {
  readonly name: string;
  readonly value: (backend: Backend) => { text: string; check: Float32Array };
}

function matmulRow(n: number): Row {
  const [a, b] = [pseudoRandom(n * n, 11, 1), pseudoRandom(n * n, 12, 1)];
  return {
    name: `matmul ${n}×${n}, GFLOP/s (ms)`,
    value: () => {
      const [ta, tb] = [np.array(a).reshape([n, n]), np.array(b).reshape([n, n])];
      let out: Float32Array = new Float32Array(0);
      const { ms } = measure(() => (out = read(np.matmul(ta, tb))));
      return { text: `${((2 * n ** 3) / ms / 1e6).toFixed(2)} (${ms.toFixed(ms < 10 ? 2 : 0)})`, check: out.subarray(0, 64) };
    },
  };
}

/** The MLP's three timings share one set of parameters per backend (made in `mlpRows`). */
function mlpRows(): Row[] {
  const d = mlpData();
  const setup = () => {
    const params = {} as Params;
    for (const k of PARAM_NAMES) params[k] = toArray(d.params[k]);
    return { params, x: toArray(d.x), onehot: toArray(d.onehot), lossAndGrad: valueAndGrad(loss) };
  };
  const ms = (t: number) => ({ text: t.toFixed(t < 10 ? 2 : 1), check: new Float32Array(0) });
  return [
    {
      name: "MLP forward, ms",
      value: () => {
        const m = setup();
        let value = 0;
        const t = measure(() => (value = read(loss(m.params, m.x, m.onehot))[0])).ms;
        return { ...ms(t), check: Float32Array.of(value) };
      },
    },
    {
      name: "MLP valueAndGrad, ms",
      value: () => {
        const m = setup();
        let norms: Float32Array = new Float32Array(0);
        const t = measure(() => {
          const [, g] = m.lossAndGrad(m.params, m.x, m.onehot);
          norms = Float32Array.from(PARAM_NAMES, (k) => Math.sqrt(read((g as Params)[k]).reduce((s, v) => s + v * v, 0)));
        }).ms;
        return { ...ms(t), check: norms };
      },
    },
    {
      name: "MLP SGD step, ms",
      value: () => {
        const m = setup();
        let params = m.params;
        const t = measure(() => {
          const [, g] = m.lossAndGrad(params, m.x, m.onehot);
          params = sgd(params, g as Params, SGD_LR);
          for (const k of PARAM_NAMES) read(params[k]);
        }).ms;
        return ms(t);
      },
    },
  ];
}

const backends: [string, Backend][] = [
  ["lintra gpujs (headless GL, software: Mesa llvmpipe)", gpujsBackend],
  ["lintra wasm", wasm.wasmBackend],
];
const rows = [...sizes.map(matmulRow), ...mlpRows()];
const table: string[][] = [];
const problems: string[] = [];
for (const row of rows) {
  const cells = backends.map(([, backend]) => {
    setBackend(backend);
    return row.value(backend);
  });
  // The gpujs result must agree with the wasm one (1e-4 relative to the largest entry) before its time counts.
  const [g, w] = [cells[0].check, cells[1].check];
  const scale = Math.max(1e-30, ...Array.from(w, Math.abs));
  const worst = Math.max(0, ...Array.from(g, (v, k) => Math.abs(v - w[k]) / scale));
  if (!(worst <= 1e-4)) problems.push(`${row.name}: gpujs differs from wasm by ${worst.toExponential(1)} of the largest entry`);
  table.push([row.name, ...cells.map((c) => c.text)]);
  process.stderr.write(`${row.name}: ${cells.map((c) => c.text).join(" | ")}\n`);
}

console.log(`\n${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; Node ${process.version}; gpujs mode '${gpujsBackend.mode}'; backend now '${getBackend().name}'\n`);
console.log(`|  | ${backends.map(([label]) => label).join(" | ")} |`);
console.log(`|---|${backends.map(() => "---:").join("|")}|`);
for (const r of table) console.log(`| ${r.join(" | ")} |`);
if (problems.length) {
  console.log(`\nChecks failed:\n- ${problems.join("\n- ")}`);
  process.exitCode = 1;
} else {
  console.log("\nChecks: every gpujs result above agrees with the wasm one (matmul: 64 entries; MLP: the loss and the six gradient norms).");
}
