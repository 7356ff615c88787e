import { BackendError } from "@lintra/core-ir";
import { type KernelFn, moduleOf } from "./compile.js";
import type { LinearMemory, WasmBuffer } from "./memory.js";
import { CTRL, CTRL_BYTES, ERROR_BYTES, MAX_WORKERS, WORKER_HOST_NAMES, type WorkerHandle, isNode, spawnWorker } from "./thread-worker.js";

// Worker threads over the one shared linear memory. A split call hands each thread a list
// of kernel calls on disjoint outputs; the main thread takes its share and then blocks
// (Atomics.wait) until the workers are done, so reads stay synchronous. Anything wrong
// with the pool — no SharedArrayBuffer, no workers, a worker that errs or dies — turns
// it off with one console.warn, and the work runs on the main thread instead. In a
// browser a new worker starts only once the thread running lintra yields to its event
// loop (await wasmThreadsReady()); until then its share runs on the threads running.

/** Threads used by default: the cores there are, but no more than this. */
const DEFAULT_MAX_THREADS = 8;
/** A warm worker that has not finished after max(this, 50 × the main thread's share) is given up on. */
const TASK_TIMEOUT_MS = 2000;
/** The same for a worker's first task, which waits for the worker to start. */
const BOOT_TIMEOUT_MS = 15000;
/** Kernel instances a worker keeps before it is told to drop them all. */
const WORKER_KERNELS = 1024;

let requested: number | null = null;
/** Bumped by setWasmThreads: a pool turned off by a failure tries again after it. */
let configVersion = 0;
let activePool: ThreadPool | null = null;
let warnedUnsupported = false;
const testing = { spawn: spawnWorker as () => WorkerHandle, timeoutMs: TASK_TIMEOUT_MS, dispatches: 0 };

/**
 * Use `n` threads (the calling one included) for large kernels of the wasm backend; 1
 * turns worker threads off. Overrides LINTRA_WASM_THREADS; takes effect at the next call.
 */
export function setWasmThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new BackendError(`setWasmThreads: expected an integer ≥ 1, got ${n}`);
  requested = Math.min(n, MAX_WORKERS + 1);
  configVersion++;
  activePool?.keep(requested - 1);
}

/** Threads the wasm backend splits large kernels over now (1 where it cannot use workers). */
export function wasmThreads(): number {
  if (threadSupport() !== null) return 1;
  return activePool?.broken ? 1 : configuredThreads();
}

function configuredThreads(): number {
  if (requested !== null) return requested;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LINTRA_WASM_THREADS;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, MAX_WORKERS + 1);
    warnOnce(`LINTRA_WASM_THREADS=${env} is not an integer ≥ 1; using the default`);
  }
  return Math.max(1, Math.min(DEFAULT_MAX_THREADS, cores()));
}

function cores(): number {
  const g = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown }; navigator?: { hardwareConcurrency?: number } };
  const os = isNode() ? (g.process?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined) : undefined;
  return os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
}

/** Why worker threads cannot run here, or null where they can. */
export function threadSupport(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown; Worker?: unknown };
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return "SharedArrayBuffer is not available (in a browser: the page is not cross-origin isolated)";
  if (isNode()) {
    const p = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
    return typeof p?.getBuiltinModule === "function" ? null : "this Node lacks process.getBuiltinModule (Node ≥ 20.16 has it)";
  }
  if (g.crossOriginIsolated === false) return "the page is not cross-origin isolated";
  if (g.document !== undefined) return "a browser's main thread cannot block on Atomics.wait (run lintra in a Web Worker to use threads)";
  return typeof g.Worker === "function" ? null : "there is no Worker constructor";
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`lintra: wasm backend: ${message}`);
}

interface Worker {
  readonly handle: WorkerHandle;
  /** Kernel ids whose module this worker has been sent. */
  known: Set<number>;
  booted: boolean;
  /** What this worker writes into its `dead` slot as it exits (slots are reused). */
  readonly token: number;
}
let nextToken = 1;

const moduleIds = new WeakMap<WebAssembly.Module, number>();
let nextModuleId = 1;
const moduleId = (m: WebAssembly.Module): number => {
  let id = moduleIds.get(m);
  if (id === undefined) moduleIds.set(m, (id = nextModuleId++));
  return id;
};

/** Modules a worker can instantiate: all their host imports exist there. */
const runnable = new WeakMap<WebAssembly.Module, boolean>();
function workersCanRun(m: WebAssembly.Module): boolean {
  let ok = runnable.get(m);
  if (ok === undefined) {
    ok = WebAssembly.Module.imports(m).every((i) => (i.module === "env" && i.kind === "memory") || (i.module === "host" && WORKER_HOST_NAMES.has(i.name)));
    runnable.set(m, ok);
  }
  return ok;
}

/** One kernel call of a split: a cached kernel and its arguments (i32 byte offsets). */
export interface SplitTask {
  readonly fn: KernelFn;
  readonly args: readonly number[];
}

/** One thread's share of a split call: its task indices and its scratch block. */
interface Share {
  readonly tasks: number[];
  scratch: WasmBuffer | null;
}

interface WorkerMessage {
  gen: number;
  reset?: boolean;
  modules: [number, WebAssembly.Module][];
  tasks: [number, number[]][];
}

const taskArgs = (t: SplitTask, s: Share): number[] => (s.scratch ? [...t.args, s.scratch.ptr] : [...t.args]);

function runShare(tasks: readonly SplitTask[], share: Share): void {
  for (const i of share.tasks) tasks[i].fn(...taskArgs(tasks[i], share));
}

export class ThreadPool {
  private workers: Worker[] = [];
  /** The control block; a fresh one after a failure, so stray writes of old workers miss. */
  private ctrl: Int32Array | null;
  private gen = 0;
  /** Why the pool is off (null while it works), and the configuration it failed under. */
  private failure: { reason: string; version: number } | null = null;
  /** A failure a worker reported between calls, acted on at the next call. */
  private reported: string | null = null;

  constructor(private readonly mem: LinearMemory) {
    this.ctrl = mem.shared ? new Int32Array(new SharedArrayBuffer(CTRL_BYTES)) : null;
    activePool = this;
  }

  get broken(): boolean {
    return this.failure !== null && this.failure.version === configVersion;
  }

  /** Threads a split call may use now, the calling one included. */
  get threads(): number {
    const n = configuredThreads();
    if (n === 1) return 1;
    const why = this.mem.shared ? threadSupport() : (threadSupport() ?? "the linear memory is not shared");
    if (why !== null) {
      if (!warnedUnsupported) warnOnce(`running on one thread: ${why} (setWasmThreads(1) silences this)`);
      warnedUnsupported = true;
      return 1;
    }
    return this.broken ? 1 : n;
  }

  /**
   * Run every task, spread over the threads (task 0 on this one), and return once all are
   * done. Tasks must write disjoint memory. With `scratchBytes` > 0 each thread gets its
   * own scratch block, passed to its tasks as the last argument.
   */
  run(tasks: readonly SplitTask[], scratchBytes = 0): void {
    const modules = tasks.map((t) => moduleOf(t.fn));
    const portable = tasks.length > 1 && modules.every((m) => m !== undefined && workersCanRun(m));
    const workers = portable ? this.start(Math.min(this.threads, tasks.length) - 1) : 0;
    const shares: Share[] = Array.from({ length: workers + 1 }, () => ({ tasks: [], scratch: null }));
    tasks.forEach((_, i) => shares[i % shares.length].tasks.push(i));
    try {
      for (const s of shares) if (scratchBytes > 0) s.scratch = this.mem.alloc(scratchBytes);
      if (workers === 0) return runShare(tasks, shares[0]);
      this.dispatch(tasks, modules as WebAssembly.Module[], shares);
    } finally {
      for (const s of shares) if (s.scratch) this.mem.release(s.scratch);
    }
  }

  private dispatch(tasks: readonly SplitTask[], modules: WebAssembly.Module[], shares: Share[]): void {
    const ctrl = this.ctrl!;
    const gen = (this.gen = (this.gen % 0x3fffffff) + 1);
    testing.dispatches++;
    Atomics.store(ctrl, CTRL.pending, shares.length - 1);
    for (let w = 0; w + 1 < shares.length; w++) {
      const worker = this.workers[w];
      Atomics.store(ctrl, CTRL.status + w, 0);
      this.workers[w].handle.post(this.message(worker, gen, tasks, modules, shares[w + 1]));
    }
    const t0 = performance.now();
    try {
      runShare(tasks, shares[0]);
    } finally {
      // even when this thread's share threw, the workers may still be writing: wait for them
      const booting = this.workers.slice(0, shares.length - 1).some((w) => !w.booted);
      const limit = Math.max(booting ? BOOT_TIMEOUT_MS : testing.timeoutMs, 50 * (performance.now() - t0));
      this.wait(shares.length - 1, limit);
    }
    this.collect(gen, tasks, shares);
  }

  /** A worker's message: its tasks as [kernel id, args], with the modules it lacks. */
  private message(worker: Worker, gen: number, tasks: readonly SplitTask[], modules: WebAssembly.Module[], share: Share): WorkerMessage {
    const msg: WorkerMessage = { gen, modules: [], tasks: [] };
    if (worker.known.size >= WORKER_KERNELS) (msg.reset = true), worker.known.clear();
    for (const i of share.tasks) {
      const id = moduleId(modules[i]);
      if (!worker.known.has(id)) msg.modules.push([id, modules[i]]), worker.known.add(id);
      msg.tasks.push([id, taskArgs(tasks[i], share)]);
    }
    return msg;
  }

  /** Block until the workers finish, one of them dies, or `limitMs` passes. */
  private wait(workers: number, limitMs: number): void {
    const ctrl = this.ctrl!;
    const deadline = performance.now() + limitMs;
    for (;;) {
      const left = Atomics.load(ctrl, CTRL.pending);
      if (left === 0) return;
      for (let w = 0; w < workers; w++) if (this.exited(w)) return;
      const ms = deadline - performance.now();
      if (ms <= 0) return;
      Atomics.wait(ctrl, CTRL.pending, left, ms);
    }
  }

  /**
   * Check each worker's share; redo a failed one here (the kernels are deterministic, so
   * the result is the same), with a fresh scratch block: a worker that timed out may
   * still be using its own, which is therefore never released.
   */
  private collect(gen: number, tasks: readonly SplitTask[], shares: Share[]): void {
    const ctrl = this.ctrl!;
    const workers = this.workers; // turnOff empties the list
    const failed: Share[] = [];
    for (let w = 0; w + 1 < shares.length; w++) {
      const status = Atomics.load(ctrl, CTRL.status + w);
      if (status === gen) {
        workers[w].booted = true;
        continue;
      }
      const share = shares[w + 1];
      failed.push(share);
      if (Atomics.load(ctrl, CTRL.dead + w) === workers[w].token) this.turnOff(`worker ${w + 1} exited during a task`);
      else if (status === -gen) this.turnOff(`worker ${w + 1} failed: ${this.errorText(w)}`);
      else this.turnOff(`worker ${w + 1} did not finish a task in time (it may have died)`);
      if (status !== -gen) share.scratch = null; // it may still be running: left allocated on purpose
    }
    for (const share of failed) {
      const redo: Share = { tasks: share.tasks, scratch: share.scratch };
      if (shares[0].scratch && !redo.scratch) redo.scratch = shares[0].scratch; // this thread's share is done with it
      runShare(tasks, redo);
    }
  }

  private exited(w: number): boolean {
    return Atomics.load(this.ctrl!, CTRL.dead + w) === this.workers[w]?.token;
  }

  private errorText(w: number): string {
    const bytes = new Uint8Array(this.ctrl!.buffer, CTRL.errors * 4 + w * ERROR_BYTES, ERROR_BYTES);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.slice(0, end < 0 ? ERROR_BYTES : end)).split("\n")[0];
  }

  /**
   * Have at least `count` workers running (starting them if needed); how many of them to
   * use. Idle workers beyond `count` stay: only setWasmThreads stops them.
   */
  private start(count: number): number {
    if (count <= 0) return 0;
    if (this.reported) this.turnOff(this.reported);
    if (this.broken) return 0;
    if (this.failure) {
      // setWasmThreads since the failure: try again, on a fresh control block
      this.failure = null;
      this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL_BYTES));
    }
    try {
      while (this.workers.length < count) this.workers.push(this.spawn(this.workers.length));
    } catch (e) {
      this.turnOff(`cannot start a worker: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
    // Node starts a worker on a thread of its own. A browser starts one only while the
    // thread that created it is back in its event loop, so a worker that has not started
    // yet would never answer while this thread blocks in Atomics.wait: use those running.
    if (isNode()) return count;
    let running = 0;
    while (running < count && this.started(running)) running++;
    return running;
  }

  private started(w: number): boolean {
    return Atomics.load(this.ctrl!, CTRL.started + w) === this.workers[w].token;
  }

  /**
   * Start the workers the configured thread count needs and resolve once each one runs,
   * or the pool gave up on one: the threads split calls may use then. It waits without
   * blocking, so a browser can start the workers meanwhile.
   */
  async whenStarted(): Promise<number> {
    const count = this.threads - 1;
    this.start(count);
    const deadline = performance.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      if (this.reported) this.turnOff(this.reported);
      const waiting = this.broken ? -1 : this.workers.slice(0, count).findIndex((_, w) => !this.started(w));
      if (waiting < 0) return this.threads;
      if (performance.now() > deadline) this.turnOff(`worker ${waiting + 1} did not start within ${BOOT_TIMEOUT_MS / 1000} s`);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stop the workers beyond the first `count`. */
  keep(count: number): void {
    while (this.workers.length > count) this.workers.pop()!.handle.terminate();
  }

  private spawn(slot: number): Worker {
    const handle = testing.spawn();
    const ctrl = this.ctrl!;
    const token = nextToken++;
    handle.onFailure((reason) => {
      if (this.workers[slot]?.handle === handle) this.reported ??= `worker ${slot + 1}: ${reason}`;
    });
    handle.post({ init: { ctrl: ctrl.buffer, memory: this.mem.memory, slot, token } });
    return { handle, known: new Set(), booted: false, token };
  }

  /** Stop every worker and run on this thread until setWasmThreads is called again. */
  private turnOff(reason: string): void {
    this.reported = null;
    if (!this.broken) warnOnce(`worker threads turned off, running on one thread: ${reason}`);
    this.failure = { reason, version: configVersion };
    const old = this.workers;
    this.workers = [];
    for (const w of old) w.handle.terminate();
  }
}

/**
 * [start, end) ranges splitting `count` independent items over the threads worth using:
 * each at least `minPerThread` items, boundaries at multiples of `align` (a vector width,
 * so every range but the last runs whole vectors). One range where threads do not pay.
 * For kernels with a range parameter, run with `runtime().threads.run`.
 */
export function splitRange(pool: ThreadPool, count: number, minPerThread: number, align = 1): [number, number][] {
  const parts = count >= 2 * minPerThread ? Math.min(pool.threads, Math.floor(count / minPerThread)) : 1;
  const per = Math.ceil(count / parts / align) * align;
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += per) out.push([start, Math.min(count, start + per)]);
  return out;
}

/** Hooks for tests of the failure paths. */
export const threadPoolTesting = {
  /** Start workers with `spawn` (e.g. one that throws) until reset. */
  setSpawn(spawn: (() => WorkerHandle) | null): void {
    testing.spawn = spawn ?? spawnWorker;
  },
  setTimeoutMs(ms: number | null): void {
    testing.timeoutMs = ms ?? TASK_TIMEOUT_MS;
  },
  /** Split calls handed to workers so far. */
  get dispatches(): number {
    return testing.dispatches;
  },
  /** Post a message to every running worker of the active pool ({dieOnNextTask} or {stallMs}). */
  postToWorkers(msg: object): void {
    for (const w of (activePool as unknown as { workers: Worker[] } | null)?.workers ?? []) w.handle.post(msg);
  },
  get failure(): string | null {
    return (activePool as unknown as { failure: { reason: string } | null } | null)?.failure?.reason ?? null;
  },
};
