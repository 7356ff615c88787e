// What a peer process prints (one JSON object per stdout line) and what compare.ts reads.

export interface MetaRecord {
  kind: "meta";
  /** Column label, e.g. "tfjs wasm". */
  label: string;
  lib: string;
  version: string;
  /** The backend or device that actually ran, as the library reports it. */
  backend: string;
  threads: string;
  note?: string;
}

export type CaseName = "matmul" | "chain" | "forward" | "valueAndGrad" | "sgdStep";

export interface TimingRecord {
  kind: "timing";
  label: string;
  case: CaseName;
  /** Matrix size for matmul. */
  n?: number;
  /** Median wall time of one call, result read back, after warm-up. */
  ms: number;
  minMs: number;
  runs: number;
  gflops?: number;
  gbs?: number;
}

/** Numbers that must agree across libraries (and with float64 references where there is one). */
export interface CheckRecord {
  kind: "check";
  label: string;
  /** e.g. "matmul 256 error", "mlp loss", "mlp |grad w1|". */
  name: string;
  value: number;
}

export interface ErrorRecord {
  kind: "error";
  label: string;
  case: string;
  message: string;
}

export type BenchRecord = MetaRecord | TimingRecord | CheckRecord | ErrorRecord;
