import { F32, F64, I32, Op, OpFC, Simd, V128, type ValType } from "./opcodes.js";

// A small WebAssembly binary encoder: enough to emit kernel modules at run time.

export function uleb(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

export function sleb(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

const utf8 = new TextEncoder();
function name(out: number[], s: string): void {
  const bytes = utf8.encode(s);
  uleb(out, bytes.length);
  out.push(...bytes);
}

/** Instructions of one function body. Methods return `this` so code reads top to bottom. */
export class Code {
  readonly bytes: number[] = [];
  private readonly localTypes: ValType[] = [];
  constructor(readonly params: readonly ValType[]) {}

  /** Declare a local; its index follows the params. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  get(i: number): this {
    return this.op(Op.local_get).idx(i);
  }
  set(i: number): this {
    return this.op(Op.local_set).idx(i);
  }
  tee(i: number): this {
    return this.op(Op.local_tee).idx(i);
  }
  idx(i: number): this {
    uleb(this.bytes, i);
    return this;
  }
  i32(v: number): this {
    this.bytes.push(Op.i32_const);
    sleb(this.bytes, v);
    return this;
  }
  f32(v: number): this {
    this.bytes.push(Op.f32_const, ...new Uint8Array(new Float32Array([v]).buffer));
    return this;
  }
  f64(v: number): this {
    this.bytes.push(Op.f64_const, ...new Uint8Array(new Float64Array([v]).buffer));
    return this;
  }
  /** A load or store with its memarg (alignment as log2 bytes, static offset). */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    this.bytes.push(opcode);
    uleb(this.bytes, alignLog2);
    uleb(this.bytes, offset);
    return this;
  }
  simd(opcode: number): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, opcode);
    return this;
  }
  /** v128.load / v128.store with a memarg. */
  simdMem(opcode: typeof Simd.v128_load | typeof Simd.v128_store, offset = 0, alignLog2 = 4): this {
    this.simd(opcode);
    uleb(this.bytes, alignLog2);
    uleb(this.bytes, offset);
    return this;
  }
  lane(opcode: number, lane: number): this {
    return this.simd(opcode).op(lane);
  }
  fc(opcode: (typeof OpFC)[keyof typeof OpFC]): this {
    this.bytes.push(0xfc);
    uleb(this.bytes, opcode);
    return this;
  }
  call(funcIndex: number): this {
    return this.op(Op.call).idx(funcIndex);
  }

  /** `block` … `end`; `br 0` inside jumps past the end. */
  block(body: (c: this) => void): this {
    this.op(Op.block, 0x40);
    body(this);
    return this.op(Op.end);
  }
  /** `loop` … `end`; `br 0` inside jumps back to the top. */
  loop(body: (c: this) => void): this {
    this.op(Op.loop, 0x40);
    body(this);
    return this.op(Op.end);
  }
  if(then: (c: this) => void, otherwise?: (c: this) => void): this {
    this.op(Op.if, 0x40);
    then(this);
    if (otherwise) {
      this.op(Op.else);
      otherwise(this);
    }
    return this.op(Op.end);
  }

  /**
   * `for (i = start; i < end; i += step) body` over i32 locals; `end` is a local index.
   * Runs zero times when start >= end.
   */
  forRange(i: number, start: (c: this) => void, end: number, step: number, body: (c: this) => void): this {
    start(this);
    this.set(i);
    return this.block((c) => {
      c.get(i).get(end).op(Op.i32_ge_s).op(Op.br_if).idx(0);
      c.loop((l) => {
        body(l);
        l.get(i).i32(step).op(Op.i32_add).tee(i).get(end).op(Op.i32_lt_s).op(Op.br_if).idx(0);
      });
    });
  }

  /** The encoded body: locals, instructions, end. */
  encode(): number[] {
    const out: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(t);
    }
    out.push(...this.bytes, Op.end);
    const sized: number[] = [];
    uleb(sized, out.length);
    return sized.concat(out);
  }
}

interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

const typeKey = (t: FuncType) => `${t.params.join(",")}>${t.results.join(",")}`;

/**
 * A module: imports one memory (`env.memory`) and any host functions, defines functions,
 * exports them by name.
 */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeIndex = new Map<string, number>();
  private readonly imports: { module: string; field: string; type: number }[] = [];
  private readonly funcs: { type: number; code: Code; export?: string }[] = [];
  private importsClosed = false;

  private typeOf(t: FuncType): number {
    const key = typeKey(t);
    let i = this.typeIndex.get(key);
    if (i === undefined) {
      i = this.types.length;
      this.types.push(t);
      this.typeIndex.set(key, i);
    }
    return i;
  }

  /** Import a host function; returns its function index. All imports come before functions. */
  importFunc(module: string, field: string, params: ValType[], results: ValType[]): number {
    if (this.importsClosed) throw new Error("internal: imports must be declared before functions");
    this.imports.push({ module, field, type: this.typeOf({ params, results }) });
    return this.imports.length - 1;
  }

  /** Define a function; returns its code builder and its function index. */
  func(params: ValType[], results: ValType[], exportName?: string): { code: Code; index: number } {
    this.importsClosed = true;
    const code = new Code(params);
    this.funcs.push({ type: this.typeOf({ params, results }), code, export: exportName });
    return { code, index: this.imports.length + this.funcs.length - 1 };
  }

  /**
   * The module's bytes. `sharedMemory`: import a shared memory (limits must then name a
   * maximum: the 65536 pages a 32-bit memory can have, so any shared memory matches).
   */
  encode(options: { sharedMemory?: boolean } = {}): Uint8Array {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, body: number[]) => {
      out.push(id);
      uleb(out, body.length);
      out.push(...body);
    };
    const vec = <T>(items: readonly T[], each: (b: number[], item: T) => void) => {
      const b: number[] = [];
      uleb(b, items.length);
      for (const it of items) each(b, it);
      return b;
    };
    section(
      1,
      vec(this.types, (b, t) => {
        b.push(0x60);
        uleb(b, t.params.length);
        b.push(...t.params);
        uleb(b, t.results.length);
        b.push(...t.results);
      }),
    );
    const importBody = vec([{ module: "env", field: "memory", type: -1 }, ...this.imports], (b, imp) => {
      name(b, imp.module);
      name(b, imp.field);
      if (imp.type < 0 && options.sharedMemory) b.push(0x02, 0x03, 0x01, 0x80, 0x80, 0x04); // memory, shared, min 1, max 65536
      else if (imp.type < 0) b.push(0x02, 0x00, 0x01); // memory, limits: min 1 page, no max
      else {
        b.push(0x00);
        uleb(b, imp.type);
      }
    });
    section(2, importBody);
    section(3, vec(this.funcs, (b, f) => uleb(b, f.type)));
    const exported = this.funcs.map((f, i) => ({ f, i })).filter(({ f }) => f.export);
    section(
      7,
      vec(exported, (b, { f, i }) => {
        name(b, f.export!);
        b.push(0x00);
        uleb(b, this.imports.length + i);
      }),
    );
    section(10, vec(this.funcs, (b, f) => b.push(...f.code.encode())));
    return new Uint8Array(out);
  }
}

export { F32, F64, I32, V128 };
