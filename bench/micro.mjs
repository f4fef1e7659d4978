// Kernel microbenchmark: this machine's WebAssembly ceilings, measured with tiny hand-written loops, and how close
// the rnn-wasm kernels (the input-projection GEMM and the recurrent sequence kernel alone) come to them.
//
//   node --experimental-wasm-relaxed-simd bench/micro.mjs [--write] [--reps N]     (after `node scripts/build.mjs`)
//   deno run -A bench/micro.mjs [--write]
//
// Ceilings (the loops are WebAssembly text written below, assembled with binaryen, not optimised):
//   madd_reg     12 independent chains acc = acc·m + c in registers (f32x4.mul then f32x4.add): the mul+add peak.
//   madd_load    the GEMM inner loop at its best: per k, 4 v128 weight loads (from L1) and 3 broadcasts feed a 3×16
//                tile of 12 accumulators: the peak with the loads a kernel cannot avoid.
//   *_relaxed    the same with f32x4.relaxed_madd (where the runtime has relaxed SIMD).
//   read_*       Σ of v128 loads over a buffer of the given size, repeated, in three loop shapes:
//                the read bandwidth of L1, L2, L3 and memory.
//   gemv         the batch-1 recurrent step's inner loop exactly as assembly/gemm.ts panel1 (G = 4) writes it: per k
//                one broadcast of h[k], 8 v128 weight loads, 8 multiply-adds into 8 accumulators, streaming a buffer of
//                the given size: the ceiling of that loop shape, to which the rnn_seq B = 1 rows are compared.
// Kernels (the built dist/ engine, called directly):
//   f32_gemm     the input projection of lstm-m / lstm-batch / lstm-l: [T·B, I] × [I, 4·H], and the one-row
//                projection of a streamed lstm-m step.
//   rnn_seq      the recurrent part alone (the projection given): 100 steps of lstm-s / lstm-m / lstm-l / gru-m
//                (linear_before_reset = 1 and 0) / rnn-m at B = 1 and lstm-batch at B = 32; reported per step with the
//                bytes of R it streams, the GB/s that makes and the fraction of the read bandwidth measured at R's size.
import binaryen from "binaryen";
import { commandLine, fmt, loadAverage, machineLine, now, runtimeName, runtimeTag, table, writeRegion } from "./common.mjs";

const args = typeof globalThis.Deno !== "undefined" ? Deno.args : process.argv.slice(2);
const WRITE = args.includes("--write");
const REPS = Number(args[args.indexOf("--reps") + 1]) || 7;

// ---------------------------------------------------------------- the ceiling loops (WebAssembly text)

const ACC = 12;
const accLocals = Array.from({ length: ACC }, (_, i) => `(local $a${i} v128)`).join(" ");
const sumAcc = (n) => Array.from({ length: n }, (_, i) => `(local.set $s (f32x4.add (local.get $s) (local.get $a${i})))`).join("\n");
const lanes = `(f32.add (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
                        (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s))))`;
const madd = (relaxed, a, b, c) => relaxed ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add (f32x4.mul ${a} ${b}) ${c})`;

function watOf(relaxed) {
  const sfx = relaxed ? "_relaxed" : "";
  // madd_reg(n): n iterations of 12 chains acc_i = acc_i·m + c → 96 flops per iteration.
  const reg = Array.from({ length: ACC }, (_, i) => `(local.set $a${i} ${madd(relaxed, `(local.get $a${i})`, "(local.get $m)", "(local.get $c)")})`).join("\n");
  return `
  (func (export "madd_reg${sfx}") (param $n i32) (result f32)
    ${accLocals} (local $m v128) (local $c v128) (local $s v128)
    (local.set $m (f32x4.splat (f32.const 0.999)))
    (local.set $c (f32x4.splat (f32.const 0.001)))
    (loop $L
      ${reg}
      (br_if $L (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    ${sumAcc(ACC)}
    ${lanes})
  ${TILES.map(([R, C]) => tileWat(relaxed, R, C)).join("\n")}`;
}

// Register tiles of the GEMM inner loop: madd_load_RxC(w, n), n iterations; per iteration C/4 weight vectors at
// w + (k·C·4 mod 16 KiB) (L1), R broadcasts from w + 16 KiB + (k·R·4 mod 16 KiB), R·C/4 madds → 2·R·C flops.
const TILES = [[4, 8], [6, 8], [4, 12], [3, 16], [2, 16]];
function tileWat(relaxed, R, C) {
  const V = C / 4, sfx = relaxed ? "_relaxed" : "";
  const body = [];
  for (let j = 0; j < V; j++) body.push(`(local.set $w${j} (v128.load offset=${j * 16} (local.get $p)))`);
  for (let r = 0; r < R; r++) {
    body.push(`(local.set $x (v128.load32_splat offset=${16384 + r * 4} (local.get $q)))`);
    for (let j = 0; j < V; j++) body.push(`(local.set $a${r * V + j} ${madd(relaxed, `(local.get $w${j})`, "(local.get $x)", `(local.get $a${r * V + j})`)})`);
  }
  return `
  (func (export "madd_load_${R}x${C}${sfx}") (param $w i32) (param $n i32) (result f32)
    ${Array.from({ length: R * V }, (_, i) => `(local $a${i} v128)`).join(" ")}
    ${Array.from({ length: V }, (_, i) => `(local $w${i} v128)`).join(" ")} (local $x v128) (local $s v128)
    (local $k i32) (local $p i32) (local $q i32)
    (loop $L
      (local.set $p (i32.add (local.get $w) (i32.and (i32.mul (local.get $k) (i32.const ${C * 4})) (i32.const 16383))))
      (local.set $q (i32.add (local.get $w) (i32.and (i32.mul (local.get $k) (i32.const ${R * 4})) (i32.const 16383))))
      ${body.join("\n")}
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $k) (local.get $n))))
    ${sumAcc(R * V)}
    ${lanes})`;
}

// read_<op>(p, bytes, reps): Σ of every f32x4 in [p, p + bytes), reps times (bytes a multiple of 256). "add": 16 loads
// per iteration into 8 accumulators with f32x4.add; "or": the same with v128.or (a 1-cycle integer operation);
// "tree": 8 loads per iteration combined by a tree of v128.or into one accumulator (the shape V8 11.3 runs fastest).
const readWat = ["add", "or", "tree"].map((op) => {
  const comb = op === "add" ? "f32x4.add" : "v128.or";
  let body, step;
  if (op === "tree") {
    step = 128;
    body = [
      ...Array.from({ length: 8 }, (_, i) => `(local.set $t${i} (v128.load offset=${i * 16} (local.get $i)))`),
      ...[[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [4, 6], [0, 4]].map(([a, b]) => `(local.set $t${a} (v128.or (local.get $t${a}) (local.get $t${b})))`),
      "(local.set $a0 (v128.or (local.get $a0) (local.get $t0)))",
    ].join("\n");
  } else {
    step = 256;
    body = Array.from({ length: 16 }, (_, i) => `(local.set $a${i & 7} (${comb} (local.get $a${i & 7}) (v128.load offset=${i * 16} (local.get $i))))`).join("\n");
  }
  return `
  (func (export "read_${op}") (param $p i32) (param $bytes i32) (param $reps i32) (result f32)
    ${Array.from({ length: 8 }, (_, i) => `(local $a${i} v128) (local $t${i} v128)`).join(" ")} (local $s v128) (local $i i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $bytes)))
    (loop $R
      (local.set $i (local.get $p))
      (loop $L
        ${body}
        (local.set $i (i32.add (local.get $i) (i32.const ${step})))
        (br_if $L (i32.lt_u (local.get $i) (local.get $end))))
      (br_if $R (local.tee $reps (i32.sub (local.get $reps) (i32.const 1)))))
    ${sumAcc(8)}
    ${lanes})`;
}).join("\n");

// gemv(w, x, K, reps): K iterations of panel1's G = 4 loop over w (128 bytes per k) and x (4 bytes per k), reps times.
const gemvWat = (relaxed) => {
  const body = [`(local.set $h (v128.load32_splat (local.get $q)))`];
  for (let j = 0; j < 8; j++) body.push(`(local.set $a${j} ${madd(relaxed, `(v128.load offset=${j * 16} (local.get $p))`, "(local.get $h)", `(local.get $a${j})`)})`);
  return `
  (func (export "gemv${relaxed ? "_relaxed" : ""}") (param $w i32) (param $x i32) (param $K i32) (param $reps i32) (result f32)
    ${Array.from({ length: 8 }, (_, i) => `(local $a${i} v128)`).join(" ")} (local $h v128) (local $s v128) (local $p i32) (local $q i32) (local $k i32)
    (loop $R
      (local.set $p (local.get $w)) (local.set $q (local.get $x)) (local.set $k (i32.const 0))
      (loop $L
        ${body.join("\n")}
        (local.set $p (i32.add (local.get $p) (i32.const 128)))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br_if $L (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $K))))
      (br_if $R (local.tee $reps (i32.sub (local.get $reps) (i32.const 1)))))
    ${sumAcc(8)}
    ${lanes})`;
};

function assemble(relaxed) {
  const text = `(module (memory (export "memory") 2048) ${watOf(false)} ${relaxed ? watOf(true) : ""} ${readWat} ${gemvWat(false)} ${relaxed ? gemvWat(true) : ""})`;
  const mod = binaryen.parseText(text);
  mod.setFeatures(binaryen.Features.SIMD128 | (relaxed ? binaryen.Features.RelaxedSIMD : 0));
  if (!mod.validate()) throw new Error("micro: the WebAssembly text does not validate");
  const bytes = mod.emitBinary();
  mod.dispose();
  return bytes;
}

async function ceilingsModule() {
  const relaxedBytes = assemble(true);
  const relaxed = WebAssembly.validate(relaxedBytes);
  const { instance } = await WebAssembly.instantiate(relaxed ? relaxedBytes : assemble(false), {});
  return { k: instance.exports, relaxed };
}

/** Best-of-reps seconds of fn() (a ceiling is a best case: the minimum suits it). */
function best(fn, reps = REPS) {
  let t = Infinity;
  for (let r = 0; r < reps; r++) { const t0 = now(); fn(); t = Math.min(t, now() - t0); }
  return t / 1000;
}
async function ceilings() {
  const { k, relaxed } = await ceilingsModule();
  // touch the memory first (never-written pages all map to one zero page, which would read at cache speed), with
  // normal numbers (tiny ones would make the products denormal, which is slow)
  new Float32Array(k.memory.buffer).fill(0.5);
  const out = { relaxed, tiles: {} };
  const n = 2_000_000;
  const W = 1 << 20;
  for (const sfx of relaxed ? ["", "_relaxed"] : [""]) {
    k[`madd_reg${sfx}`](1000);
    out[`madd_reg${sfx}`] = (96 * n) / best(() => k[`madd_reg${sfx}`](n)) / 1e9;
    let top = 0;
    for (const [R, C] of TILES) {
      const f = k[`madd_load_${R}x${C}${sfx}`];
      f(W, 1000);
      const g = (2 * R * C * n) / best(() => f(W, n)) / 1e9;
      out.tiles[`${R}x${C}${sfx}`] = g;
      top = Math.max(top, g);
    }
    out[`madd_load${sfx}`] = top;
  }
  // read bandwidth by buffer size (GB/s), buffers at 1 MiB (memory is 128 MiB); the better of the two loops
  out.read = [];
  for (const kib of [32, 256, 512, 1024, 1536, 2048, 4096, 8192, 65536]) {
    const bytes = kib * 1024;
    const reps = Math.max(2, Math.round((256 * 1024 * 1024) / bytes));
    const r = { kib };
    for (const op of ["add", "or", "tree"]) {
      k[`read_${op}`](W, bytes, 2);
      r[op] = (bytes * reps) / best(() => k[`read_${op}`](W, bytes, reps), 5) / 1e9;
    }
    r.gbs = Math.max(r.add, r.or, r.tree);
    out.read.push(r);
  }
  // the batch-1 GEMV loop (panel1's shape) by buffer size, GB/s of weights streamed
  out.gemv = [];
  for (const kib of [32, 256, 768, 1024, 4096]) {
    const bytes = kib * 1024, K = bytes / 128;
    const reps = Math.max(2, Math.round((128 * 1024 * 1024) / bytes));
    const r = { kib };
    for (const sfx of relaxed ? ["", "_relaxed"] : [""]) {
      k[`gemv${sfx}`](W, 100 << 20, K, 2);
      r[`gbs${sfx}`] = (bytes * reps) / best(() => k[`gemv${sfx}`](W, 100 << 20, K, reps), 5) / 1e9;
    }
    out.gemv.push(r);
  }
  return out;
}

/** Read bandwidth interpolated at `bytes` from the measured sizes (log-linear). */
function bwAt(read, bytes) {
  const kib = bytes / 1024;
  if (kib <= read[0].kib) return read[0].gbs;
  for (let i = 1; i < read.length; i++) {
    if (kib <= read[i].kib) {
      const a = read[i - 1], b = read[i], f = Math.log(kib / a.kib) / Math.log(b.kib / a.kib);
      return a.gbs + f * (b.gbs - a.gbs);
    }
  }
  return read[read.length - 1].gbs;
}

// ---------------------------------------------------------------- the kernels

// Descriptor fields of assembly/rnn.ts (D_*), as src/core/runner.ts writes them.
const D = { CELL: 0, T: 1, B: 2, H: 3, HP: 4, K: 5, KP: 6, P: 7, REV: 8, XP: 9, XPT: 10, XPB: 11, R: 12, R2: 13, RBH: 14,
  PEEP: 15, WP: 16, LENS: 17, MASK: 18, MASKOUT: 19, Y: 20, YT: 21, YB: 22, H0: 23, H1: 24, C: 25, SCRATCH: 26,
  CLIP: 27, IF: 28, LBR: 29, ACT: 30, RSPLIT: 39, COUNT: 40 };

function fillRandom(f32, ptr, n, scale, seed) {
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; f32[(ptr >> 2) + i] = ((s / 4294967296) * 2 - 1) * scale; }
}

async function kernels(build) {
  const rw = await import("../dist/index.js");
  const engine = await rw.createEngine({ build });
  const k = engine.k;
  const res = { build, gemm: [], seq: [] };
  for (const [name, M, K, N] of [["lstm-m", 100, 128, 1024], ["lstm-batch", 3200, 128, 1024], ["lstm-l", 100, 512, 2048], ["lstm-m step", 1, 128, 1024]]) {
    const x = engine.alloc(M * K * 4, "x"), w = engine.alloc(K * N * 4, "w"), b = engine.alloc(N * 4, "b"), o = engine.alloc(M * N * 4, "o");
    fillRandom(engine.f32(), x, M * K, 1, 1); fillRandom(engine.f32(), w, K * N, 0.1, 2);
    const reps = Math.max(3, Math.round(2e8 / (2 * M * K * N)));
    k.f32_gemm(o, N * 4, x, K * 4, w, b, M, K, N);
    const t = best(() => { for (let r = 0; r < reps; r++) k.f32_gemm(o, N * 4, x, K * 4, w, b, M, K, N); }) / reps;
    res.gemm.push({ name, M, K, N, gflops: (2 * M * K * N) / t / 1e9, us: t * 1e6 });
    for (const p of [x, w, b, o]) engine.free(p);
  }
  // activation throughput (f32_vact over 4096 values, L1-resident): ns per four lanes; sigmoid code 0, tanh code 1
  {
    const n = 4096, x = engine.alloc(n * 4, "x"), o = engine.alloc(n * 4, "o");
    fillRandom(engine.f32(), x, n, 8, 6);
    const reps = 200;
    for (const [name, code] of [["sigmoid", 0], ["tanh", 1]]) {
      k.f32_vact(o, x, n, code, 0, 0);
      const t = best(() => { for (let r = 0; r < reps; r++) k.f32_vact(o, x, n, code, 0, 0); }) / reps;
      res[name] = (t / (n / 4)) * 1e9;
    }
    engine.free(x); engine.free(o);
  }
  const seqCfgs = [["lstm-s", 1, 1, 64], ["lstm-m", 1, 1, 256], ["gru-m", 2, 1, 256], ["gru-m lbr=0", 2, 1, 256, 0], ["rnn-m", 0, 1, 256],
    ["lstm-l", 1, 1, 512], ["lstm-batch", 1, 32, 256]];
  for (const [name, cell, B, H, lbr = 1] of seqCfgs) {
    const G = cell === 1 ? 4 : cell === 2 ? 3 : 1, Hp = H, Kp = H, T = 100, N = G * Hp;
    const f = () => engine.f32();
    const r = engine.alloc(Hp * Kp * G * 4, "R"), xp = engine.alloc(T * B * N * 4, "xp");
    const r2 = lbr ? 0 : engine.alloc(Hp * Kp * 4, "R2"); // reset_after = false: R holds z and r, R2 the h gate
    const h = engine.alloc(B * Kp * 4, "h"), h2 = engine.alloc(B * Kp * 4, "h2"), c = engine.alloc(B * Hp * 4, "c");
    const rbh = engine.alloc(Hp * 4, "rbh");
    const y = engine.alloc(T * B * H * 4, "y");
    const scratch = engine.alloc(k.rnn_seq_scratch_bytes(B, Hp, Kp), "scratch"), d = engine.alloc(D.COUNT * 4, "desc");
    fillRandom(f(), r, Hp * Kp * G, 1 / Math.sqrt(H), 3); fillRandom(f(), xp, T * B * N, 0.5, 4);
    if (r2) fillRandom(f(), r2, Hp * Kp, 1 / Math.sqrt(H), 5);
    const i32 = engine.i32(), f32 = engine.f32(), o = d >> 2;
    const set = { CELL: cell, T, B, H, HP: Hp, K: H, KP: Kp, P: 0, REV: 0, XP: xp, XPT: B * N, XPB: N, R: r, R2: r2, RBH: rbh,
      PEEP: 0, WP: 0, LENS: 0, MASK: 0, MASKOUT: 0, Y: y, YT: B * H, YB: H, H0: h, H1: h2, C: cell === 1 ? c : 0, SCRATCH: scratch, IF: 0, LBR: lbr };
    for (const [key, v] of Object.entries(set)) i32[o + D[key]] = v;
    f32[o + D.CLIP] = Infinity;
    // activations: sigmoid, tanh, tanh (GRU: sigmoid, tanh; RNN: tanh)
    i32[o + D.ACT] = cell === 0 ? 1 : 0; i32[o + D.ACT + 3] = 1; i32[o + D.ACT + 6] = 1;
    k.rnn_seq(d);
    const reps = Math.max(3, Math.round(1e8 / (2 * G * H * H * B * T)));
    const t = best(() => { for (let q = 0; q < reps; q++) k.rnn_seq(d); }) / reps / T;
    const bytes = Hp * Kp * G * 4;
    res.seq.push({ name, cell, B, H, us: t * 1e6, gflops: (2 * G * H * H * B) / t / 1e9, bytes, gbs: bytes / t / 1e9 });
    for (const p of [r, r2, xp, h, h2, c, rbh, y, scratch, d]) engine.free(p);
  }
  return res;
}

// ---------------------------------------------------------------- main

const ceil = await ceilings();
const peak = Math.max(ceil.madd_reg, ceil.madd_load);
const peakRelaxed = ceil.relaxed ? Math.max(ceil.madd_reg_relaxed, ceil.madd_load_relaxed) : NaN;
console.log(`${runtimeName()} · ${machineLine()} · load ${loadAverage()}`);
console.log(`f32x4 mul+add: registers ${fmt(ceil.madd_reg)} GFLOP/s, with loads ${fmt(ceil.madd_load)} GFLOP/s`);
if (ceil.relaxed) console.log(`f32x4.relaxed_madd: registers ${fmt(ceil.madd_reg_relaxed)} GFLOP/s, with loads ${fmt(ceil.madd_load_relaxed)} GFLOP/s`);
console.log(`tiles: ${Object.entries(ceil.tiles).map(([t, g]) => `${t} ${fmt(g)}`).join(", ")} GFLOP/s`);
console.log(`gemv loop (panel1 shape): ${ceil.gemv.map((r) => `${r.kib} KiB ${fmt(r.gbs)}${ceil.relaxed ? ` / relaxed ${fmt(r.gbs_relaxed)}` : ""} GB/s`).join(", ")}`);
console.log(`read (add / or / tree): ${ceil.read.map((r) => `${r.kib} KiB ${fmt(r.add)} / ${fmt(r.or)} / ${fmt(r.tree)} GB/s`).join(", ")}`);

const builds = ["simd", ...(ceil.relaxed ? ["relaxed-simd"] : [])];
const kr = [];
for (const b of builds) kr.push(await kernels(b));
const gemmRows = [], seqRows = [];
for (const r of kr) {
  const pk = r.build === "relaxed-simd" ? peakRelaxed : peak;
  for (const g of r.gemm) {
    console.log(`${r.build} f32_gemm ${g.name} [${g.M}×${g.K}]×[${g.K}×${g.N}]: ${fmt(g.gflops)} GFLOP/s = ${(100 * g.gflops / pk).toFixed(0)}% of peak`);
    gemmRows.push([r.build, `${g.name}: [${g.M}, ${g.K}] × [${g.K}, ${g.N}]`, `${fmt(g.us)} µs`, fmt(g.gflops), `${(100 * g.gflops / pk).toFixed(0)}%`]);
  }
  for (const s of r.seq) {
    const bw = bwAt(ceil.read, s.bytes);
    // a floor for the step, nothing overlapped: R at the read bandwidth at its size, plus the activations at their
    // measured throughput (per unit: LSTM 3 sigmoids + 2 tanh, GRU 2 + 1, RNN 1 tanh; the cell arithmetic not counted)
    const [ns, nt] = s.cell === 1 ? [3, 2] : s.cell === 2 ? [2, 1] : [0, 1];
    const actUs = (s.B * s.H / 4) * (ns * r.sigmoid + nt * r.tanh) / 1000;
    const floorUs = s.bytes / (bw * 1e9) * 1e6 + actUs;
    const gv = s.B === 1 ? bwAt(ceil.gemv.map((g) => ({ kib: g.kib, gbs: r.build === "relaxed-simd" ? g.gbs_relaxed : g.gbs })), s.bytes) : NaN;
    if (s === r.seq[0]) console.log(`${r.build} activations: sigmoid ${fmt(r.sigmoid)} ns, tanh ${fmt(r.tanh)} ns per four lanes`);
    console.log(`${r.build} rnn_seq ${s.name} B=${s.B} H=${s.H}: ${fmt(s.us)} µs/step, ${fmt(s.gflops)} GFLOP/s (${(100 * s.gflops / pk).toFixed(0)}% of peak), R ${(s.bytes / 1048576).toFixed(2)} MiB/step → ${fmt(s.gbs)} GB/s (${(100 * s.gbs / bw).toFixed(0)}% of ${fmt(bw)} GB/s read at that size)`);
    seqRows.push([r.build, `${s.name}: B=${s.B} H=${s.H}`, `${fmt(s.us)} µs`, fmt(s.gflops), `${(100 * s.gflops / pk).toFixed(0)}%`,
      `${(s.bytes / 1048576).toFixed(3)} MiB`, fmt(s.gbs), `${(100 * s.gbs / bw).toFixed(0)}% of ${fmt(bw)}`,
      Number.isNaN(gv) ? "—" : `${(100 * s.gbs / gv).toFixed(0)}% of ${fmt(gv)}`,
      `${fmt(actUs)} µs`, s.B === 1 ? `${fmt(floorUs)} µs (${(100 * floorUs / s.us).toFixed(0)}%)` : "—"]);
  }
}

if (WRITE) {
  const tag = runtimeTag();
  writeRegion(`micro-${tag}`, [
    `### Kernel microbenchmark in ${runtimeName()}`,
    "",
    `- Date: ${new Date().toISOString()}; command: \`${commandLine()}\`; machine: ${machineLine()}; load average ${loadAverage()}`,
    `- Ceilings (best of ${REPS}; hand-written WebAssembly loops in bench/micro.mjs): f32x4 mul+add ${fmt(ceil.madd_reg)} GFLOP/s in registers, ${fmt(ceil.madd_load)} GFLOP/s with the GEMM's loads${ceil.relaxed ? `; f32x4.relaxed_madd ${fmt(ceil.madd_reg_relaxed)} / ${fmt(ceil.madd_load_relaxed)} GFLOP/s` : ""}. Peak used below: the larger of each pair (${fmt(peak)}${ceil.relaxed ? ` SIMD, ${fmt(peakRelaxed)} relaxed` : ""}).`,
    `- Read bandwidth (v128 loads; the best of three loop shapes, see bench/micro.mjs): ${ceil.read.map((r) => `${r.kib >= 1024 ? r.kib / 1024 + " MiB" : r.kib + " KiB"} ${fmt(r.gbs)} GB/s`).join(", ")}.`,
    `- The batch-1 GEMV loop alone (panel1's shape: 1 broadcast + 8 weight loads + 8 multiply-adds per k), weights streamed: ${ceil.gemv.map((r) => `${r.kib >= 1024 ? r.kib / 1024 + " MiB" : r.kib + " KiB"} ${fmt(r.gbs)}${ceil.relaxed ? ` (relaxed ${fmt(r.gbs_relaxed)})` : ""} GB/s`).join(", ")}.`,
    "",
    table(["build", "f32_gemm (input projection)", "time", "GFLOP/s", "of peak"], gemmRows),
    "",
    table(["build", "rnn_seq, recurrent part per step", "time/step", "GFLOP/s", "of peak", "R per step", "GB/s", "of read bandwidth at R's size (GB/s)", "of the gemv loop at R's size (GB/s)", "activations alone", "floor: R at the read bandwidth + activations (of the measured step)"], seqRows),
    "",
    `Activations (f32_vact over 4096 values in L1, the activation inlined in its loop): ${kr.map((r) => `${r.build} sigmoid ${fmt(r.sigmoid)} ns, tanh ${fmt(r.tanh)} ns`).join("; ")} per four lanes.`,
  ].join("\n"));
  console.log(`wrote bench/RESULTS.md (region micro-${tag})`);
}
if (typeof globalThis.Deno === "undefined") process.exit(0);
