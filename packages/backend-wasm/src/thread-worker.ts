// The worker side of the thread pool, and how to start one on each platform.
//
// The worker's code is a plain JavaScript string, not a function turned into text:
// compilers and bundlers may rewrite a function's body with helpers (name-keeping,
// down-levelling) that would not exist inside the worker.

/** Layout of the control block, an Int32Array over a SharedArrayBuffer. */
export const CTRL = {
  /** Tasks handed to workers and not finished yet; the main thread waits on it. */
  pending: 0,
  /** Per worker: the generation of its last finished dispatch (negated on error). */
  status: 8,
  /** Per worker: its token once it has exited. */
  dead: 8 + 64,
  /** Per worker: its token once it runs and has its init message. */
  started: 8 + 128,
  /** Per worker: ERROR_BYTES of UTF-8 text saying why its last task failed. */
  errors: 8 + 192,
} as const;
export const MAX_WORKERS = 64;
export const ERROR_BYTES = 256;
export const CTRL_BYTES = (CTRL.errors + (MAX_WORKERS * ERROR_BYTES) / 4) * 4;

/** Host functions a worker can give a kernel: those that need no code beyond Math. */
export const WORKER_HOST_NAMES = new Set([
  "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "expm1",
  "log", "log1p", "pow", "atan2", "pow_ieee", "fmod",
]);

/**
 * Messages: {init: {ctrl, memory, slot, token}} once; then {gen, reset?, modules, tasks}:
 * tasks are [kernel id, args]; `modules` ([id, module]) are the kernels this worker has
 * not been sent before (it keeps their instances by id); `reset` drops those first.
 * {dieOnNextTask} and {stallMs} exist for tests of the failure paths.
 */
export const WORKER_SOURCE = `
"use strict";
const isNode = typeof require === "function" && typeof process === "object";
const port = isNode ? require("node:worker_threads").parentPort : self;
const C = ${JSON.stringify(CTRL)};
const ERROR_BYTES = ${ERROR_BYTES};
const host = {};
for (const f of ${JSON.stringify([...WORKER_HOST_NAMES].filter((n) => n !== "pow_ieee" && n !== "fmod"))}) host[f] = Math[f];
host.pow_ieee = (x, y) => (x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y));
host.fmod = (x, y) => x % y;
let ctrl = null, memory = null, slot = 0, token = 0, stall = 0, dieOnNextTask = false;
const runs = new Map();

function died() {
  if (!ctrl) return;
  Atomics.store(ctrl, C.dead + slot, token);
  Atomics.notify(ctrl, C.pending);
}

function fail(gen, e) {
  const text = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, ERROR_BYTES - 1);
  const bytes = new Uint8Array(ctrl.buffer, (C.errors * 4) + slot * ERROR_BYTES, ERROR_BYTES);
  bytes.fill(0);
  bytes.set(text);
  return -gen;
}

function onMessage(msg) {
  if (msg.init) {
    ({ memory, slot, token } = msg.init);
    ctrl = new Int32Array(msg.init.ctrl);
    if (isNode) process.on("exit", died);
    Atomics.store(ctrl, C.started + slot, token);
    return;
  }
  if (msg.dieOnNextTask || msg.stallMs !== undefined) {
    dieOnNextTask = !!msg.dieOnNextTask;
    stall = msg.stallMs || 0;
    return;
  }
  if (dieOnNextTask) {
    if (isNode) process.exit(1);
    died();
    self.close();
    return;
  }
  let status = msg.gen;
  try {
    if (stall) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stall);
    if (msg.reset) runs.clear();
    for (const [id, module] of msg.modules) runs.set(id, new WebAssembly.Instance(module, { env: { memory }, host }).exports.run);
    for (const [id, args] of msg.tasks) runs.get(id)(...args);
  } catch (e) {
    status = fail(msg.gen, e);
  }
  Atomics.store(ctrl, C.status + slot, status);
  if (Atomics.sub(ctrl, C.pending, 1) === 1) Atomics.notify(ctrl, C.pending);
}

if (isNode) port.on("message", onMessage);
else self.onmessage = (e) => onMessage(e.data);
`;

/** What the pool needs of a worker, whichever platform started it. */
export interface WorkerHandle {
  post(msg: unknown, transfer?: Transferable[]): void;
  /** Called with a reason when the worker reports an error or exits (both may happen). */
  onFailure(listener: (reason: string) => void): void;
  terminate(): void;
}

interface NodeWorker {
  postMessage(msg: unknown): void;
  on(event: string, listener: (x: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerCtor = new (code: string, opts: { eval: true }) => NodeWorker;

/** Node's worker_threads.Worker, loaded without an import so browser bundles stay clean. */
function nodeWorkerCtor(): NodeWorkerCtor | null {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.versions?.node) return null;
  if (!proc.getBuiltinModule) throw new Error("this Node lacks process.getBuiltinModule (Node ≥ 20.16 has it)");
  return (proc.getBuiltinModule("node:worker_threads") as { Worker: NodeWorkerCtor }).Worker;
}

export const isNode = (): boolean => !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** Start one worker running WORKER_SOURCE. Throws where workers cannot start. */
export function spawnWorker(): WorkerHandle {
  const NodeWorker = nodeWorkerCtor();
  if (NodeWorker) {
    const w = new NodeWorker(WORKER_SOURCE, { eval: true });
    w.unref(); // an idle pool must not keep the process alive
    return {
      post: (msg) => w.postMessage(msg),
      onFailure: (listener) => {
        w.on("error", (e) => listener(`worker error: ${String(e)}`));
        w.on("exit", (code) => listener(`worker exited with code ${String(code)}`));
      },
      terminate: () => void w.terminate(),
    };
  }
  if (typeof Worker !== "function") throw new Error("no Worker constructor on this platform");
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  // The URL is not revoked: a worker may fetch its script after the constructor returns.
  const w = new Worker(url);
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    onFailure: (listener) => w.addEventListener("error", (e) => listener(`worker error: ${e.message}`)),
    terminate: () => w.terminate(),
  };
}
