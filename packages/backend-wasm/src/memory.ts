import { type AnyTypedArray, BackendError, type DType } from "@lintra/core-ir";

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

/**
 * One WebAssembly.Memory shared by every kernel module, and an allocator over it:
 * a bump pointer plus one free list per size class, so freed blocks are reused.
 */
export class LinearMemory {
  readonly memory: WebAssembly.Memory;
  private top = ALIGN; // offset 0 is never handed out
  private readonly free = new Map<number, number[]>();
  liveBytes = 0;

  constructor(initialPages = 256) {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: 65536 });
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  alloc(bytes: number): WasmBuffer {
    const size = sizeClass(bytes);
    const reuse = this.free.get(size)?.pop();
    this.liveBytes += size;
    if (reuse !== undefined) return { ptr: reuse, bytes: size };
    const ptr = this.top;
    this.top += size;
    if (this.top > this.byteLength) this.grow(this.top);
    return { ptr, bytes: size };
  }

  release(buf: WasmBuffer): void {
    let list = this.free.get(buf.bytes);
    if (!list) this.free.set(buf.bytes, (list = []));
    list.push(buf.ptr);
    this.liveBytes -= buf.bytes;
  }

  private grow(needed: number): void {
    const pages = Math.ceil((needed - this.byteLength) / PAGE);
    const extra = Math.max(pages, Math.ceil(this.byteLength / PAGE / 2)); // grow by ≥ 1.5×
    try {
      this.memory.grow(extra);
    } catch {
      try {
        this.memory.grow(pages);
      } catch {
        throw new BackendError(`wasm: out of memory: cannot grow linear memory to ${needed} bytes`);
      }
    }
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
