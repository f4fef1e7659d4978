// The engine's memory arena: 64-byte aligned blocks in the wasm linear memory, first-fit over an address-ordered
// free list with coalescing (so freed blocks are reused and load → run → dispose cycles stay bounded), growth by
// memory.grow, and typed-array views that are rebuilt whenever growth has detached the old buffer.

import { RnnError } from "../errors.js";

const ALIGN = 64;
const PAGE = 65536;

export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number; // end of the highest block handed out
  private clean: number; // memory from here up has never been handed out, so it is still zero (as memory.grow gives it)
  private readonly free: { ptr: number; size: number }[] = []; // address-ordered, coalesced
  private readonly sizes = new Map<number, number>();
  private buf: ArrayBuffer | null = null;
  private f32v!: Float32Array;
  private i32v!: Int32Array;
  private u8v!: Uint8Array;
  readonly maxBytes: number;

  constructor(memory: WebAssembly.Memory, heapBase: number, maxBytes: number) {
    this.memory = memory;
    this.base = Math.ceil(Math.max(heapBase, 16) / ALIGN) * ALIGN;
    this.top = this.base;
    this.clean = this.base;
    this.maxBytes = maxBytes;
  }

  /** Bytes of linear memory in use up to the highest live block. */
  get highWater(): number { return this.top; }
  /** Number of live blocks. */
  get liveBlocks(): number { return this.sizes.size; }
  /** Current size of the wasm memory in bytes. */
  get memoryBytes(): number { return this.memory.buffer.byteLength; }

  /** Allocates `bytes` (rounded up to 64), zero-filled. `what` names the data for error messages. */
  alloc(bytes: number, what: string): number {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) {
      throw new RnnError("LIMIT_EXCEEDED", `${what}: cannot allocate ${bytes} bytes`);
    }
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i];
      if (f.size >= size) {
        const ptr = f.ptr;
        if (f.size === size) this.free.splice(i, 1);
        else { f.ptr += size; f.size -= size; }
        this.sizes.set(ptr, size);
        this.u8().fill(0, ptr, ptr + size);
        return ptr;
      }
    }
    const ptr = this.top;
    const end = ptr + size;
    if (end > this.maxBytes) {
      throw new RnnError("LIMIT_EXCEEDED",
        `${what}: needs ${bytes} bytes, which would take the engine's memory to ${end} bytes; the limit is ${this.maxBytes}`);
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (e) {
        throw new RnnError("OUT_OF_MEMORY",
          `${what}: the wasm memory could not grow from ${have} to ${have + pages * PAGE} bytes (${(e as Error).message})`);
      }
    }
    this.top = end;
    this.sizes.set(ptr, size);
    if (ptr < this.clean) this.u8().fill(0, ptr, Math.min(end, this.clean));
    if (end > this.clean) this.clean = end;
    return ptr;
  }

  /** Returns a block to the arena. Freeing 0 or an unknown pointer is a no-op. */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    if (ptr + size === this.top) {
      this.top = ptr;
      // the block below may now be the top of the free space
      const last = this.free[this.free.length - 1];
      if (last && last.ptr + last.size === this.top) { this.top = last.ptr; this.free.pop(); }
      return;
    }
    let lo = 0, hi = this.free.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.free[mid].ptr < ptr) lo = mid + 1; else hi = mid; }
    this.free.splice(lo, 0, { ptr, size });
    const cur = this.free[lo];
    const next = this.free[lo + 1];
    if (next && cur.ptr + cur.size === next.ptr) { cur.size += next.size; this.free.splice(lo + 1, 1); }
    const prev = this.free[lo - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) { prev.size += cur.size; this.free.splice(lo, 1); }
  }

  private refresh(): void {
    const b = this.memory.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this.f32v = new Float32Array(b);
      this.i32v = new Int32Array(b);
      this.u8v = new Uint8Array(b);
    }
  }
  f32(): Float32Array { this.refresh(); return this.f32v; }
  i32(): Int32Array { this.refresh(); return this.i32v; }
  u8(): Uint8Array { this.refresh(); return this.u8v; }
}
