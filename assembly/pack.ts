// Weight packing, once per layer at load: rows of a row-major matrix into the panel layouts the kernels stream
// (gemm.ts "panel8", rnn.ts R [Hp/8][K][G][8]). Plain scalar loops, the same in every build: packing runs in wasm
// because a model's first load runs JavaScript loops in V8's interpreter, ~50 ns per element (src/core/packed.ts
// keeps the JavaScript `panel8` as the reference the tests compare with).

/**
 * Packs src ([rows, cols] f32, row stride cols) into groups of width W floats at out: output column n (0 ≤ n < nOut)
 * is unit j = (n / (G·8))·8 + (n mod 8) of gate g = (n mod G·8) >> 3 (panel-gate order), taken from source row
 * rowBase + g·H + j when j < H (other columns are left as they are: zero in fresh memory). Element (n, k) lands at
 * ((n / W)·cols + k)·W + n mod W: W = 8 gives panel8, W = G·8 the recurrent [Hp/8][K][G][8] layout.
 */
export function pack_panels(out: usize, src: usize, cols: i32, nOut: i32, G: i32, H: i32, rowBase: i32, W: i32): void {
  let G8 = G * 8;
  for (let n = 0; n < nOut; n++) {
    let rem = n % G8, j = (n / G8) * 8 + (rem & 7);
    if (j >= H) continue;
    let s = src + <usize>(rowBase + (rem >> 3) * H + j) * <usize>cols * 4;
    let o = out + (<usize>(n / W) * <usize>cols * <usize>W + <usize>(n % W)) * 4;
    let ws = <usize>W * 4;
    for (let k = 0; k < cols; k++) {
      store<f32>(o, load<f32>(s));
      o += ws; s += 4;
    }
  }
}
