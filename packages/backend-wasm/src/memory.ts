import { type AnyTypedArray, BackendError, type DType, formatBytes } from "@lintra/core-ir";

/** A buffer in the shared linear memory: byte offset and capacity. */
export interface WasmBuffer {
  readonly ptr: number;
  readonly bytes: number;
}

const PAGE = 65536;
const ALIGN = 16; // v128 loads and stores are fastest aligned

/** Size class of an allocation: multiples of 16 bytes up to 4 KiB, powers of two above. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  return b <= 4096 ? b : 2 ** Math.ceil(Math.log2(b));
}

/** WebAssembly's 32-bit linear memory holds at most 65536 pages: 4 GiB. */
const MAX_PAGES = 65536;
/** How long a refused growth is not retried at the same or a larger size. */
const RETRY_GROWTH_MS = 1000;

/**
 * One WebAssembly.Memory shared by every kernel module, and an allocator over it:
 * a bump pointer plus one free list per size class, so freed blocks are reused.
 * An allocation that cannot be served changes nothing: the bump pointer and the counts
 * move only once the memory is there.
 */
export class LinearMemory {
  readonly memory: WebAssembly.Memory;
  private top = ALIGN; // offset 0 is never handed out
  private readonly free = new Map<number, number[]>();
  /**
   * The smallest growth (in pages) the engine refused, and when: for a while, requests at
   * least that large fail without trying again (a refused grow can take milliseconds).
   */
  private refused = { pages: Infinity, at: 0 };
  liveBytes = 0;
  /** The memory's size when last looked at (reading `memory.buffer` is a call into the engine). */
  private capacity = 0;
  /** Views of the whole memory per dtype, for writes; replaced when the memory has grown past them. */
  private readonly whole: Partial<Record<DType, AnyTypedArray>> = {};

  /**
   * `shared`: back it by a SharedArrayBuffer, so worker threads can run kernels on it
   * (growth then keeps old views valid at their old length; `view` always takes the
   * current buffer).
   */
  constructor(initialPages = 256, options: { shared?: boolean } = {}) {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: options.shared ?? false });
  }

  get shared(): boolean {
    return typeof SharedArrayBuffer === "function" && this.memory.buffer instanceof SharedArrayBuffer;
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  alloc(bytes: number): WasmBuffer {
    if (!(bytes <= MAX_PAGES * PAGE)) {
      throw new BackendError(`wasm: cannot allocate ${formatBytes(bytes)}: more than the ${formatBytes(MAX_PAGES * PAGE)} a WebAssembly memory can hold`);
    }
    const size = sizeClass(bytes);
    const reuse = this.free.get(size)?.pop();
    if (reuse !== undefined) return this.handOut(reuse, size);
    const end = this.top + size;
    if (end > this.capacity) this.capacity = this.byteLength;
    if (end > this.capacity && !this.grow(end)) {
      const larger = this.takeLargerFree(size);
      if (larger) return this.handOut(larger.ptr, larger.bytes);
      throw new BackendError(
        `wasm: out of memory: cannot allocate ${formatBytes(bytes)} (linear memory ${formatBytes(this.byteLength)}, ` +
          `${formatBytes(this.liveBytes)} in use); release arrays (tidy, dispose) or use a smaller size`,
      );
    }
    const ptr = this.top;
    this.top = end;
    return this.handOut(ptr, size);
  }

  release(buf: WasmBuffer): void {
    let list = this.free.get(buf.bytes);
    if (!list) this.free.set(buf.bytes, (list = []));
    list.push(buf.ptr);
    this.liveBytes -= buf.bytes;
  }

  private handOut(ptr: number, bytes: number): WasmBuffer {
    this.liveBytes += bytes;
    return { ptr, bytes };
  }

  /** A free block of the smallest class above `size`, when the memory cannot grow. */
  private takeLargerFree(size: number): WasmBuffer | null {
    let best: number | null = null;
    for (const [bytes, list] of this.free) if (bytes > size && list.length > 0 && (best === null || bytes < best)) best = bytes;
    return best === null ? null : { ptr: this.free.get(best)!.pop()!, bytes: best };
  }

  /**
   * Grow to hold `needed` bytes: by half the current size where the engine allows (fewer
   * grows, each of which copies or remaps), else by as much as it allows down to what is
   * needed. False, with nothing changed, where even that is refused.
   */
  private grow(needed: number): boolean {
    const current = this.byteLength / PAGE;
    const pages = Math.ceil(needed / PAGE) - current;
    if (current + pages > MAX_PAGES) return false;
    if (pages >= this.refused.pages && Date.now() - this.refused.at < RETRY_GROWTH_MS) return false;
    let attempt = Math.min(Math.max(pages, Math.ceil(current / 2)), MAX_PAGES - current);
    for (;;) {
      try {
        this.memory.grow(attempt);
        this.capacity = this.byteLength;
        this.refused = { pages: Infinity, at: 0 };
        return true;
      } catch {
        if (attempt === pages) {
          this.refused = { pages, at: Date.now() };
          return false;
        }
        attempt = Math.max(pages, Math.floor(attempt / 2));
      }
    }
  }

  /** Copy `data` into a buffer (through a view of the whole memory: no view made per call). */
  write(buf: WasmBuffer, dtype: DType, data: AnyTypedArray): void {
    const at = buf.ptr / BYTES[dtype];
    let v = this.whole[dtype];
    // (a grown non-shared memory detaches old views, length 0; a shared one keeps them short)
    if (!v || at + data.length > v.length) v = this.whole[dtype] = WHOLE[dtype](this.memory.buffer);
    if (data.length === 1) v[at] = data[0];
    else v.set(data, at);
  }

  /** A typed view of a buffer's elements (valid until the memory grows). */
  view(buf: WasmBuffer, dtype: DType, length: number): AnyTypedArray {
    const b = this.memory.buffer;
    switch (dtype) {
      case "float32":
        return new Float32Array(b, buf.ptr, length);
      case "float64":
        return new Float64Array(b, buf.ptr, length);
      case "int32":
        return new Int32Array(b, buf.ptr, length);
      case "bool":
        return new Uint8Array(b, buf.ptr, length);
    }
  }
}

export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

const WHOLE: Record<DType, (b: ArrayBufferLike) => AnyTypedArray> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  int32: (b) => new Int32Array(b),
  bool: (b) => new Uint8Array(b),
};
