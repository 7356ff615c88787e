/**
 * Arena planning for a compiled program's intermediates: one block of memory, each value at
 * an offset chosen from liveness, so values whose lifetimes do not overlap share bytes.
 * A value may take the place of an input that dies at the step that computes it, where the
 * backend says that step reads each element before writing it (elementwise, same layout).
 */

/** A value to place: its size, the step that writes it and the last step that reads it. */
export interface ArenaValue {
  readonly bytes: number;
  readonly def: number;
  /** The last step reading it; `def` when nothing does. */
  readonly lastUse: number;
  /** Values (indices into the list) whose place this one may take if they die at `def`. */
  readonly inPlaceOf?: readonly number[];
}

export interface ArenaPlan {
  /** Byte offset of each value in the arena. */
  readonly offsets: number[];
  /** Bytes the arena needs. */
  readonly size: number;
}

/** Offsets are multiples of this: SIMD loads and stores want 16, cache lines 64. */
export const ARENA_ALIGN = 64;

const roundUp = (n: number) => Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN;

/**
 * First fit in order of definition (`values` sorted by `def`): each value goes at the lowest
 * offset that overlaps no value still live when it is written.
 */
export function planArena(values: readonly ArenaValue[]): ArenaPlan {
  const offsets: number[] = [];
  let size = 0;
  values.forEach((v, i) => {
    const inPlace = new Set(v.inPlaceOf ?? []);
    const live: [number, number][] = [];
    for (let j = 0; j < i; j++) {
      const u = values[j];
      const blocks = u.lastUse > v.def || (u.lastUse === v.def && !inPlace.has(j)) || u.def === v.def;
      if (blocks && u.bytes > 0) live.push([offsets[j], offsets[j] + roundUp(u.bytes)]);
    }
    live.sort((a, b) => a[0] - b[0]);
    const need = roundUp(v.bytes);
    let at = 0;
    for (const [start, end] of live) {
      if (at + need <= start) break;
      at = Math.max(at, end);
    }
    offsets.push(at);
    size = Math.max(size, at + need);
  });
  return { offsets, size };
}
