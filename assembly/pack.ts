// Weight packing, once per layer at load: rows of a row-major matrix (or the columns of a Keras kernel, pack_cols)
// into the panel layouts the kernels stream (gemm.ts "panel8", rnn.ts R [Hp/8][K][G][8] and the split
// [Hp/8][2][K][16]). The engine (src/engine/engine.ts packPanels) copies the source rows into a small staging block,
// eight rows per output block, and this kernel writes each block to its place: a transpose of [8][cols] into
// [cols][8] at a stride of W floats. Staging keeps the wasm memory a load needs at the packed size (no whole
// unpacked copy beside it), and the SIMD form moves 4×4 tiles (four loads, eight shuffles, four stores) where the
// scalar form moves one float at a time: on a model's first load these loops run as V8's baseline code, where that
// is what counts. The scalar form is the scalar build's and the SIMD builds' twin; both only move values, so every
// build gives the same bits (tests/kernels/pack.test.ts).

/**
 * Writes nb staged blocks at out. Block b is output block i = i0 + b, the columns n = 8i .. 8i + 7, staged as the
 * rows stage[8b .. 8b + 8) of `cols` floats each (row c = column 8i + c); element (n, k) lands at
 * ((n / W)·cols + k)·W + n mod W, for W a multiple of 8 (8: panel8; G·8: the recurrent layout; 16: the split one).
 */
export function pack_blocks(out: usize, stage: usize, cols: i32, W: i32, i0: i32, nb: i32): void {
  let ws = <usize>W * 4, rs = <usize>cols * 4;
  for (let b = 0; b < nb; b++) {
    let n0 = (i0 + b) * 8;
    let dst = out + (<usize>(n0 / W) * <usize>cols * <usize>W + <usize>(n0 % W)) * 4;
    let src = stage + <usize>b * 8 * rs;
    if (ASC_FEATURE_SIMD) block8_simd(dst, src, cols, ws, rs);
    else block8_scalar(dst, src, cols, ws, rs, 0);
  }
}

/** dst[k·W + c] = src[c·cols + k] for c < 8 and k0 <= k < cols (strides in bytes: ws = 4W, rs = 4·cols). */
function block8_scalar(dst: usize, src: usize, cols: i32, ws: usize, rs: usize, k0: i32): void {
  for (let c = 0; c < 8; c++) {
    let s = src + <usize>c * rs + <usize>k0 * 4, o = dst + <usize>c * 4 + <usize>k0 * ws;
    for (let k = k0; k < cols; k++) {
      store<f32>(o, load<f32>(s));
      o += ws; s += 4;
    }
  }
}

/** block8_scalar by 4×4 tiles: rows c..c+3 at k..k+3 in, columns k..k+3 of lanes c..c+3 out; the k tail scalar. */
function block8_simd(dst: usize, src: usize, cols: i32, ws: usize, rs: usize): void {
  let k = 0;
  for (; k + 4 <= cols; k += 4) {
    let s = src + <usize>k * 4, o = dst + <usize>k * ws;
    for (let c = 0; c < 8; c += 4) {
      let r0 = v128.load(s), r1 = v128.load(s + rs), r2 = v128.load(s + 2 * rs), r3 = v128.load(s + 3 * rs);
      let t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      let t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      v128.store(o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(o + ws, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(o + 2 * ws, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(o + 3 * ws, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      s += 4 * rs; o += 16;
    }
  }
  if (k < cols) block8_scalar(dst, src, cols, ws, rs, k);
}

/**
 * The same panel layouts from a matrix stored by columns (Keras kernels: [cols][width], input k's row holding every
 * gate's units side by side). The engine stages rows k0 .. k0 + nk of it; packed gate g (0 <= g < G) is the source
 * columns cg + j (cg = c0 .. c3), so block i (columns n = 8i .. 8i + 7: gate i mod G, units j0 = ⌊i / G⌋·8 + 0..7) at
 * input k is eight consecutive floats of staged row k: a copy, not a transpose. Units j >= H are left as they are
 * (zero in a fresh block).
 */
export function pack_cols(out: usize, stage: usize, k0: i32, nk: i32, width: i32, cols: i32, W: i32, H: i32, G: i32,
  c0: i32, c1: i32, c2: i32, c3: i32): void {
  let blocks = G * ((H + 7) >> 3), ws = <usize>W * 4, rs = <usize>width * 4;
  for (let i = 0; i < blocks; i++) {
    let g = i % G, j0 = (i / G) * 8, valid = min<i32>(8, H - j0);
    let cg = g == 0 ? c0 : g == 1 ? c1 : g == 2 ? c2 : c3;
    let n0 = i * 8;
    let d = out + (<usize>(n0 / W) * <usize>cols * <usize>W + <usize>(n0 % W) + <usize>k0 * <usize>W) * 4;
    let s = stage + <usize>(cg + j0) * 4;
    if (ASC_FEATURE_SIMD && valid == 8) {
      for (let k = 0; k < nk; k++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += ws; s += rs;
      }
    } else {
      for (let k = 0; k < nk; k++) {
        for (let c = 0; c < valid; c++) store<f32>(d + <usize>c * 4, load<f32>(s + <usize>c * 4));
        d += ws; s += rs;
      }
    }
  }
}
