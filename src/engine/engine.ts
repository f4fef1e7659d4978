// The only code that touches the wasm: choosing a build, instantiating it, the memory arena and typed kernel calls.
//
// Initialisation is a small state machine per build request: bytes (embedded or given) → compiled module →
// instance. "auto" tries relaxed SIMD, then SIMD, then scalar, taking the first build the runtime validates.

import type { BuildName, EngineInfo, EngineOptions } from "../api.js";
import { RnnError, describe } from "../errors.js";
import { Arena } from "./arena.js";
import { decodeLatin1 } from "./latin1.js";
import { VERSION } from "../version.js";
import { WASM_BYTES } from "./wasm/sizes.js";

/**
 * The kernels every build exports (assembly/index.ts). Pointers and strides are byte values. The `*_ref` twins run in
 * the scalar build only (the SIMD builds trap in them): tests compare a SIMD build with the scalar build.
 */
export interface Kernels {
  memory: WebAssembly.Memory;
  build_kind(): number;
  heap_base(): number;
  f32_gemm(out: number, os: number, x: number, xs: number, w: number, bias: number, M: number, K: number, N: number): void;
  f32_gemm_ref(out: number, os: number, x: number, xs: number, w: number, bias: number, M: number, K: number, N: number): void;
  rnn_seq(desc: number): void;
  rnn_seq_ref(desc: number): void;
  rnn_seq_scratch_bytes(B: number, Hp: number, Kp: number): number;
  f32_vact(out: number, x: number, n: number, code: number, alpha: number, beta: number): void;
  f32_vact_ref(out: number, x: number, n: number, code: number, alpha: number, beta: number): void;
  f32_softmax(out: number, x: number, rows: number, n: number, log: number): void;
  f32_softmax_ref(out: number, x: number, rows: number, n: number, log: number): void;
  /** Rows per register tile on the many-row paths (4 or 6); returns the previous value. Same results either way. */
  set_tile_rows(n: number): number;
  /** f32 from stored F16 / BF16 / uint8 / uint16 values (assembly/widen.ts; Engine.widen stages them). */
  widen(out: number, src: number, n: number, kind: number, scale: number, min: number): void;
  /** Staged blocks of 8 rows into panel layouts (assembly/pack.ts; Engine.packPanels stages them). */
  pack_blocks(out: number, stage: number, cols: number, W: number, i0: number, nb: number): void;
  /** Staged rows of a matrix stored by columns into panel layouts (assembly/pack.ts; Engine.packColumns). */
  pack_cols(out: number, stage: number, k0: number, nk: number, width: number, cols: number, W: number, H: number, G: number,
    c0: number, c1: number, c2: number, c3: number): void;
  /** Unrolled / paired batch-1 panel loops (1) or plain ones (0); returns the previous value. Same results. */
  set_step_unroll(on: number): number;
  /** Every other step walks the recurrent panels backwards (1) or every step forwards (0); returns the previous. */
  set_zigzag(on: number): number;
  /** 4-row tiles read x two k at a time (1) or one (0); returns the previous setting. Same results. */
  set_pair_loads(on: number): number;
}

/** The kernels' loop shapes for a runtime (see kernelProfile). */
export interface KernelProfile {
  /** Batch-1 panel loops with two k per iteration, GRU panels in pairs (assembly/gemm.ts set_step_unroll). */
  unroll: boolean;
  /** 6-row register tiles in the relaxed-SIMD build (set_tile_rows); 4 rows otherwise. */
  tileRows6: boolean;
  /** LSTM recurrent weights in two [K][16] halves per panel, walked by 4-accumulator loops (rnn.ts D_RSPLIT). */
  splitR: boolean;
  /** 4-row tiles that read x two k per load in the relaxed build (assembly/gemm.ts tile4x8p): fewer checked loads. */
  pairLoads: boolean;
}

/**
 * The loop shapes that suit the runtime's WebAssembly compiler, from its V8 version (Deno, Node; Chrome's from the user
 * agent) and whether that V8 checks every memory access in the code (Deno runs V8 without its WebAssembly trap handler,
 * so each load and store carries an explicit bounds check; Node and Chrome on 64-bit desktops have the trap handler;
 * workerd is taken as checked, as its kernels measure like Deno's).
 * Measured on this project's machines (bench/RESULTS.md), per shape against the others:
 * - V8 13.4 and later (Turboshaft; measured 13.4, 13.5, 15.0, 15.6, and Node's 13.6, 14.6), and engines that are not V8
 *   (JavaScriptCore): WebAssembly's operation order is kept, so unrolled and paired loops pay (4–24 %; in Node 24 and
 *   26 within noise of the plain loops) and 6-row tiles fit.
 * - V8 11.6 to 13.3 (Sea-of-Nodes TurboFan) with explicit bounds checks (measured in Deno's 12.9 and 13.0, in workerd's
 *   builds of 11.6–12.5, and in Node 22's 12.4 with `--wasm-enforce-bounds-checks`): panel1's 8-accumulator LSTM loop
 *   spills, the split LSTM layout with 4 accumulators is 1.1–1.5× faster; 6-row tiles spill in 13.0 (0.66×), so 4 rows.
 * - The same V8 versions with the trap handler (measured Node 22's 12.4 and Node 23's 12.9; Chrome 116–133 inferred),
 *   and V8 before 11.6 (measured 11.3, Node 20): the plain loops (split 0.88–0.94×, unrolled 0.7–0.9×) and 6-row tiles
 *   in the relaxed build (1.03–1.10×).
 * - With explicit bounds checks from V8 13.4 (Deno 2.2 and later; measured in Deno 2.9's 15.0), the relaxed build's
 *   many-row tiles are 4-row tiles that read x two k per load (tile4x8p): lstm-batch 1.16×, lstm-l 1.08× over the 6-row
 *   splat tiles. Not in the SIMD build (its product temporaries make the tile spill: 0.97×), not in Deno 2.0's 12.9
 *   (0.82×), not with the trap handler (Node 24: 0.89×). workerd (npm workerd 1.20261117, timed over HTTP, relaxed
 *   build, paired) takes the same profile: gru-m 1.03–1.08×, lstm-batch 1.01–1.08×, lstm-m 1.00–1.03×, lstm-l and
 *   lstm-s 0.99–1.01× over the profile it had before (6-row splat tiles, no pair loads).
 * Speed choices only: every shape gives the same bits.
 */
export function kernelProfile(env: object = globalThis): KernelProfile {
  const g = env as { Deno?: { version?: { v8?: string } }; process?: { versions?: Record<string, string> }; navigator?: { userAgent?: string } };
  let version: number | undefined; // major·10 + minor, as Chrome numbers its releases
  // explicit bounds checks on every memory access (no trap handler): Deno; and workerd, where the kernels measure the
  // same way (Cloudflare's runtime tracks current V8, whose version it does not expose)
  const checked = g.Deno !== undefined || g.navigator?.userAgent === "Cloudflare-Workers";
  const versions = g.process?.versions;
  const v8 = g.Deno?.version?.v8 ?? (versions && !versions.bun ? versions.v8 : undefined);
  if (typeof v8 === "string") {
    const m = /^(\d+)\.(\d+)/.exec(v8);
    if (m) version = Number(m[1]) * 10 + Math.min(9, Number(m[2]));
  } else {
    const ua = g.navigator?.userAgent;
    const m = typeof ua === "string" ? /Chrom(?:e|ium)\/(\d+)/.exec(ua) : null;
    if (m) version = Number(m[1]); // Chrome N ships V8 (N / 10).(N mod 10)
  }
  if (version === undefined || version >= 134) return { unroll: true, tileRows6: !checked, splitR: false, pairLoads: checked };
  if (version >= 116 && checked) return { unroll: false, tileRows6: false, splitR: true, pairLoads: false };
  return { unroll: false, tileRows6: true, splitR: false, pairLoads: false };
}

const BUILD_OF_KIND: BuildName[] = ["scalar", "simd", "relaxed-simd"];
const DEFAULT_MAX_BYTES = 2 ** 31;
const DEFAULT_MAX_ELEMENTS = 2 ** 28;
/** Stored number formats Engine.widen reads (codes of assembly/widen.ts). */
export type WidenKind = "f16" | "bf16" | "u8" | "u16";
const WIDEN_CODE: Record<WidenKind, number> = { f16: 0, bf16: 1, u8: 2, u16: 3 };
/** The staging block of Engine.packPanels: rows for this many bytes of output blocks per kernel call (or one block). */
const STAGE_BYTES = 64 * 1024;

async function embeddedBytes(build: BuildName): Promise<Uint8Array<ArrayBuffer>> {
  const file = packageFile(build);
  if (file) return file;
  const mod = build === "relaxed-simd" ? await import("./wasm/relaxed-simd.js")
    : build === "simd" ? await import("./wasm/simd.js")
    : await import("./wasm/scalar.js");
  return decodeLatin1(mod.default);
}

/**
 * Node (20.16+, 22.3+) and Bun (runtimes with process.getBuiltinModule, but not Deno): the build's .wasm file beside
 * the package's chunks (dist/wasm/), read synchronously: quicker than importing the chunk that embeds it (a module
 * to load and a string to decode; ~1.5 ms of a 20 ms cold start). Null anywhere else (a browser, a bundle without
 * the file, a file of another length than this release's), and the embedded copy is used.
 */
function packageFile(build: BuildName): Uint8Array<ArrayBuffer> | null {
  // not in Deno: its permission system could ask the user for a read they did not expect, and merely looking up
  // process.getBuiltinModule there costs ~8 ms (it loads Node's compatibility layer)
  if ("Deno" in globalThis) return null;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const url = import.meta.url;
  if (typeof proc?.getBuiltinModule !== "function" || !url.startsWith("file:")) return null;
  const fs = proc.getBuiltinModule("node:fs") as { readFileSync(p: URL): Uint8Array };
  // this code is in dist/index.js (the library) or in dist/cli/main.js (the CLI's build); the path is not a literal
  // in new URL(), so that bundlers do not copy the files into a bundle
  for (const dir of ["./wasm/", "../wasm/"]) {
    try {
      const b = fs.readFileSync(new URL(`${dir}${build}.wasm`, url));
      if (b.byteLength !== WASM_BYTES[build]) continue; // another release's file (or none of ours)
      return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) as Uint8Array<ArrayBuffer>;
    } catch {
      // no such file: the next place, then the embedded copy
    }
  }
  return null;
}

// Feature probes (validated, never run), so that "auto" loads only the build it will use.
// (module (func (result v128) v128.const i32x4 0 0 0 0  v128.const i32x4 0 0 0 0  f32x4.add))
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 43, 1, 41, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 228, 1, 11];
// (module (func (result v128) v128.const i32x4 0 0 0 0 (×3)  f32x4.relaxed_madd))
const RELAXED_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 133, 2, 11];

function supports(build: BuildName): boolean {
  if (build === "scalar") return true;
  try {
    return WebAssembly.validate(new Uint8Array(build === "simd" ? SIMD_PROBE : RELAXED_PROBE));
  } catch {
    return false;
  }
}

function hasWasm(): boolean {
  return typeof WebAssembly === "object" && WebAssembly !== null && typeof WebAssembly.instantiate === "function";
}

/** An independent instance of the kernels with its own memory arena. */
export class Engine {
  readonly build: BuildName;
  /** LSTM layers pack R in two [K][16] halves per panel (kernelProfile); set at creation, read when layers pack. */
  readonly splitR: boolean;
  readonly k: Kernels;
  readonly arena: Arena;
  readonly maxElements: number;
  private disposedFlag = false;

  private constructor(k: Kernels, maxBytes: number, maxElements: number, profile: KernelProfile & { zigzag: boolean }) {
    this.k = k;
    this.build = BUILD_OF_KIND[k.build_kind()] ?? "scalar";
    this.arena = new Arena(k.memory, k.heap_base(), maxBytes);
    this.maxElements = maxElements;
    // the loop shapes for this runtime (the scalar build's twins read any layout; it keeps the plain one)
    this.splitR = profile.splitR && this.build !== "scalar";
    k.set_step_unroll(profile.unroll ? 1 : 0);
    k.set_tile_rows(profile.tileRows6 && this.build === "relaxed-simd" ? 6 : 4);
    k.set_zigzag(profile.zigzag ? 1 : 0);
    k.set_pair_loads(profile.pairLoads && this.build === "relaxed-simd" ? 1 : 0);
  }

  get info(): EngineInfo {
    return { version: VERSION, build: this.build, simd: this.build !== "scalar" };
  }

  static async create(options: EngineOptions = {}): Promise<Engine> {
    if (options === null || typeof options !== "object") {
      throw new RnnError("BAD_ARGUMENT", `engine options: expected an object, found ${typeof options}`);
    }
    if (!hasWasm()) throw new RnnError("NO_WASM", "this runtime has no WebAssembly");
    const limits = options.limits ?? {};
    const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
    if (!(maxBytes > 0) || !(maxElements > 0)) {
      throw new RnnError("BAD_ARGUMENT", `limits: maxBytes and maxElements must be positive numbers, found ${maxBytes} and ${maxElements}`);
    }
    const build = options.build ?? "auto";
    if (!["auto", "relaxed-simd", "simd", "scalar"].includes(build as string)) {
      throw new RnnError("BAD_ARGUMENT", `build: expected "auto", "relaxed-simd", "simd" or "scalar", found ${JSON.stringify(build)}`);
    }
    let module: WebAssembly.Module | undefined;
    if (options.wasm !== undefined) {
      module = await compileGiven(options.wasm);
    } else {
      const order: BuildName[] = build === "auto" ? ["relaxed-simd", "simd", "scalar"] : [build as BuildName];
      for (const b of order) {
        if (build === "auto" && !supports(b)) continue;
        const bytes = await embeddedBytes(b);
        // Compiled without a separate WebAssembly.validate pass first (it decodes the whole module once more):
        // only a failed compile asks whether the build is invalid here (try the next) or compiling was refused.
        try {
          module = await WebAssembly.compile(bytes);
        } catch (e) {
          if (!WebAssembly.validate(bytes)) continue;
          throw refused(e, `the embedded "${b}" build`);
        }
        break;
      }
      if (!module) {
        throw new RnnError("NO_WASM", build === "auto"
          ? "no build of the kernels validates in this runtime"
          : `the "${build}" build does not validate in this runtime (does it support ${build === "scalar" ? "WebAssembly" : build.toUpperCase()}?)`);
      }
    }
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(module, {});
    } catch (e) {
      throw new RnnError("NO_WASM", `the kernels could not be instantiated: ${(e as Error).message}`);
    }
    const k = instance.exports as unknown as Kernels;
    if (typeof k.rnn_seq !== "function" || typeof k.build_kind !== "function") {
      throw new RnnError("BAD_ARGUMENT", "wasm: the module given is not an rnn-wasm build");
    }
    if (typeof k.pack_blocks !== "function" || typeof k.pack_cols !== "function" || typeof k.widen !== "function" || typeof k.set_step_unroll !== "function" || typeof k.set_tile_rows !== "function" || typeof k.set_zigzag !== "function" || typeof k.set_pair_loads !== "function") {
      throw new RnnError("BAD_ARGUMENT", `wasm: the module given is from another rnn-wasm release; use rnn-wasm/wasm/<build>.wasm of version ${VERSION}`);
    }
    const shapes = options.loopShapes;
    if (shapes !== undefined && (shapes === null || typeof shapes !== "object")) {
      throw new RnnError("BAD_ARGUMENT", `loopShapes: expected an object, found ${describe(shapes)}`);
    }
    for (const [key, v] of Object.entries(shapes ?? {})) {
      if (!["unroll", "tileRows6", "splitR", "zigzag", "pairLoads"].includes(key)) throw new RnnError("BAD_ARGUMENT", `loopShapes: unknown option ${describe(key)} (unroll, tileRows6, splitR, zigzag, pairLoads)`);
      if (v !== undefined && typeof v !== "boolean") throw new RnnError("BAD_ARGUMENT", `loopShapes.${key}: expected a boolean, found ${describe(v)}`);
    }
    const auto = kernelProfile();
    const engine = new Engine(k, maxBytes, maxElements, {
      unroll: shapes?.unroll ?? auto.unroll, tileRows6: shapes?.tileRows6 ?? auto.tileRows6, splitR: shapes?.splitR ?? auto.splitR,
      zigzag: shapes?.zigzag ?? true, pairLoads: shapes?.pairLoads ?? auto.pairLoads,
    });
    if (options.build && options.build !== "auto" && options.wasm !== undefined && engine.build !== options.build) {
      throw new RnnError("BAD_ARGUMENT", `wasm: the module given is the "${engine.build}" build, but build "${options.build}" was asked for`);
    }
    return engine;
  }

  /** Allocates `bytes` of zeroed, 64-byte aligned memory. */
  alloc(bytes: number, what: string): number { return this.arena.alloc(bytes, what); }
  free(ptr: number): void { if (ptr) this.arena.release(ptr); }
  f32(): Float32Array { return this.arena.f32(); }
  i32(): Int32Array { return this.arena.i32(); }
  u8(): Uint8Array { return this.arena.u8(); }

  /** Copies `src` into memory at byte address ptr. */
  write(ptr: number, src: ArrayLike<number>): void {
    this.f32().set(src, ptr >> 2);
  }
  /** Allocates and fills a block with `src` (f32). */
  upload(src: ArrayLike<number>, what: string): number {
    const p = this.alloc(src.length * 4, what);
    this.write(p, src);
    return p;
  }
  /**
   * Packs a row-major matrix with `cols` columns into a new block of nOut panel columns of width W (8: panel8; G·8:
   * the recurrent layout; 16: the split one): column n is unit j = ⌊n / G·8⌋·8 + n mod 8 of gate g = (n mod G·8) / 8
   * (panel-gate order), from row rowBase + g·H + j; columns with j ≥ H or n ≥ nOut are zero. The rows go through a
   * staging block of at most STAGE_BYTES (eight rows per output block, assembly/pack.ts), so a load needs no
   * unpacked copy of a whole matrix in the engine's memory. Throws BAD_MODEL when src is shorter than the rows it needs.
   */
  packPanels(src: Float32Array, cols: number, nOut: number, G: number, H: number, rowBase: number, W: number, what: string): number {
    const need = (rowBase + G * H) * cols; // rows up to rowBase + G·H − 1 are read
    if (src.length < need) throw new RnnError("BAD_MODEL", `${what}: expected at least ${need} values, found ${src.length}`);
    const blocks = Math.ceil(nOut / 8), blockFloats = 8 * cols;
    const perCall = Math.max(1, Math.min(blocks, Math.floor(STAGE_BYTES / (blockFloats * 4))));
    return this.staged(blocks * blockFloats * 4, blocks && cols ? perCall * blockFloats * 4 : 0, what, (out, stage, f) => {
      for (let i0 = 0; i0 < blocks; i0 += perCall) {
        const nb = Math.min(perCall, blocks - i0);
        for (let b = 0; b < nb; b++) {
          const i = i0 + b, j0 = Math.floor(i / G) * 8, row = rowBase + (i % G) * H + j0;
          const rows = Math.max(0, Math.min(8, H - j0, nOut - 8 * i));
          const at = (stage >> 2) + b * blockFloats;
          if (rows > 0) f.set(src.subarray(row * cols, (row + rows) * cols), at);
          if (rows < 8) f.fill(0, at + rows * cols, at + blockFloats);
        }
        this.k.pack_blocks(out, stage, cols, W, i0, nb);
      }
    });
  }
  /**
   * packPanels for a matrix stored by columns, as Keras stores its kernels: src is [cols][width], and packed gate g
   * (of gateCols.length ≤ 4, in the order the kernels want) is the source columns gateCols[g] + j, j < H. The result
   * is packPanels' of the transposed matrix (nOut = G·Hp columns in panel-gate order, units j ≥ H zero), without the
   * transposed copy: rows of src go through the staging block, and each output block is a copy of eight
   * consecutive floats per input (assembly/pack.ts pack_cols). Throws BAD_MODEL when src is too short.
   */
  packColumns(src: Float32Array, cols: number, width: number, gateCols: readonly number[], H: number, W: number, what: string): number {
    const G = gateCols.length;
    if (G < 1 || G > 4 || gateCols.some((c) => !(c >= 0 && c + H <= width))) {
      throw new RnnError("BAD_MODEL", `${what}: gate columns ${gateCols.join(", ")} of ${H} do not fit a width of ${width}`);
    }
    if (src.length < cols * width) throw new RnnError("BAD_MODEL", `${what}: expected at least ${cols * width} values, found ${src.length}`);
    const perCall = Math.max(1, Math.min(cols, Math.floor(STAGE_BYTES / (width * 4))));
    const c = [...gateCols, 0, 0, 0];
    return this.staged(G * Math.ceil(H / 8) * 8 * cols * 4, cols && width ? perCall * width * 4 : 0, what, (out, stage, f) => {
      for (let k0 = 0; k0 < cols; k0 += perCall) {
        const nk = Math.min(perCall, cols - k0);
        f.set(src.subarray(k0 * width, (k0 + nk) * width), stage >> 2);
        this.k.pack_cols(out, stage, k0, nk, width, cols, W, H, G, c[0], c[1], c[2], c[3]);
      }
    });
  }
  /** A new block of outBytes filled by fill() through a staging block (none when stageBytes is 0), then freed. */
  private staged(outBytes: number, stageBytes: number, what: string, fill: (out: number, stage: number, f: Float32Array) => void): number {
    const out = this.alloc(outBytes, what);
    let stage = 0;
    try {
      if (stageBytes > 0) {
        stage = this.alloc(stageBytes, `${what} (staging)`);
        fill(out, stage, this.f32()); // no allocation inside, so the view stays valid
      }
    } catch (e) {
      this.free(out);
      throw e;
    } finally {
      this.free(stage);
    }
    return out;
  }
  /**
   * n stored values from bytes (little-endian) as f32: "f16" and "bf16" exactly, "u8" and "u16" as v·scale + min
   * (rounded once, as `v * scale + min` stored in a Float32Array), in wasm through the staging block
   * (assembly/widen.ts): the JavaScript loops run in V8's interpreter on a first load. bytes must hold n values.
   */
  widen(bytes: Uint8Array, kind: WidenKind, n: number, scale = 1, min = 0): Float32Array<ArrayBuffer> {
    const width = kind === "u8" ? 1 : 2, code = WIDEN_CODE[kind];
    if (bytes.length < n * width) throw new RnnError("BAD_MODEL", `${kind} data: ${n} values need ${n * width} bytes, found ${bytes.length}`);
    const out = new Float32Array(n);
    if (n === 0) return out;
    const per = Math.min(Math.floor(STAGE_BYTES / (width + 4)) & ~3, (n + 3) & ~3); // a multiple of 4: dst stays aligned
    const stage = this.alloc(per * (width + 4), "widening (staging)"), dst = stage + per * width;
    try {
      for (let i0 = 0; i0 < n; i0 += per) {
        const m = Math.min(per, n - i0);
        this.u8().set(bytes.subarray(i0 * width, (i0 + m) * width), stage);
        this.k.widen(dst, stage, m, code, scale, min);
        out.set(this.f32().subarray(dst >> 2, (dst >> 2) + m), i0);
      }
    } finally {
      this.free(stage);
    }
    return out;
  }
  /** A copy of n f32 at byte address ptr. */
  read(ptr: number, n: number): Float32Array {
    return this.f32().slice(ptr >> 2, (ptr >> 2) + n);
  }

  /** Checks an element count against the engine's limits. */
  checkElements(n: number, what: string): void {
    if (n > this.maxElements) {
      throw new RnnError("LIMIT_EXCEEDED", `${what}: ${n} elements, more than the engine's limit of ${this.maxElements}`);
    }
  }

  get disposed(): boolean { return this.disposedFlag; }
}

async function compileGiven(w: WebAssembly.Module | ArrayBuffer | Uint8Array): Promise<WebAssembly.Module> {
  if (w instanceof WebAssembly.Module) return w;
  let bytes: Uint8Array<ArrayBuffer>;
  if (w instanceof Uint8Array) bytes = w.buffer instanceof ArrayBuffer ? (w as Uint8Array<ArrayBuffer>) : new Uint8Array(w);
  else if (w instanceof ArrayBuffer) bytes = new Uint8Array(w);
  else throw new RnnError("BAD_ARGUMENT", `wasm: expected a WebAssembly.Module, ArrayBuffer or Uint8Array, found ${typeof w}`);
  if (!WebAssembly.validate(bytes)) {
    throw new RnnError("NO_WASM", "wasm: the bytes given do not validate in this runtime (wrong file, or a build it does not support)");
  }
  return compileBytes(bytes, "wasm");
}

/**
 * WebAssembly.compile, with a refusal to compile at run time (Cloudflare Workers / workerd: "Wasm code generation
 * disallowed by embedder"; a strict Content-Security-Policy) reported as NO_WASM with the way around it.
 */
async function compileBytes(bytes: Uint8Array<ArrayBuffer>, what: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw refused(e, what);
  }
}

function refused(e: unknown, what: string): RnnError {
  return new RnnError("NO_WASM", `${what}: this runtime refused to compile WebAssembly from bytes (${(e as Error)?.message}); ` +
    "pass { wasm } a WebAssembly.Module of rnn-wasm/wasm/<build>.wasm (e.g. a Wasm module import in Cloudflare Workers)");
}

let defaultEngine: Promise<Engine> | null = null;

/** The default engine (created on first use; idempotent). */
export function defaultEngineWith(options?: EngineOptions): Promise<Engine> {
  if (!defaultEngine) {
    const p = Engine.create(options);
    defaultEngine = p;
    p.catch(() => { if (defaultEngine === p) defaultEngine = null; });
  }
  return defaultEngine;
}

/** The default engine if init() has completed, else null (layers created synchronously need it). */
let resolvedDefault: Engine | null = null;
export async function initDefault(options?: EngineOptions): Promise<EngineInfo> {
  const e = await defaultEngineWith(options);
  resolvedDefault = e;
  return e.info;
}
export function currentDefault(): Engine | null { return resolvedDefault; }
