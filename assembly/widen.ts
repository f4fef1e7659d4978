// Stored weights widened to f32 at load: F16 and BF16 (safetensors, TF.js float16 quantization) and TF.js's uint8 /
// uint16 quantization (v·scale + min). Plain scalar loops, the same in every build, giving the same values as the
// JavaScript they replace (src/io/safetensors.ts f16ToNumber, src/io/keras/parse.ts): a first load runs those
// JavaScript loops in V8's interpreter, 6–20 ns a value, where these take 1–3 (tests/kernels/widen.test.ts).

export const WIDEN_F16: i32 = 0;
export const WIDEN_BF16: i32 = 1;
export const WIDEN_U8: i32 = 2;
export const WIDEN_U16: i32 = 3;

/**
 * out[i] (f32) from the i-th stored value at src (little-endian): f16 exactly (every NaN as the quiet NaN
 * 0x7FC00000, as a JavaScript NaN stored in a Float32Array); bf16 by its bits; uint8 and uint16 as v·scale + min
 * computed in f64 and rounded once to f32 (as JavaScript does).
 */
export function widen(out: usize, src: usize, n: i32, kind: i32, scale: f64, min: f64): void {
  if (kind == WIDEN_F16) {
    for (let i = 0; i < n; i++) {
      let h = <u32>load<u16>(src + (<usize>i << 1));
      let sign = (h & 0x8000) << 16, e = (h >> 10) & 31, m = h & 0x3ff;
      let bits: u32;
      if (e == 0) bits = sign | reinterpret<u32>(<f32>m * <f32>5.9604644775390625e-8); // m·2^-24: exact (±0 kept)
      else if (e == 31) bits = m != 0 ? 0x7fc00000 : sign | 0x7f800000;
      else bits = sign | ((e + 112) << 23) | (m << 13);
      store<u32>(out + (<usize>i << 2), bits);
    }
  } else if (kind == WIDEN_BF16) {
    for (let i = 0; i < n; i++) store<u32>(out + (<usize>i << 2), <u32>load<u16>(src + (<usize>i << 1)) << 16);
  } else if (kind == WIDEN_U8) {
    for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>(<f64>load<u8>(src + <usize>i) * scale + min));
  } else {
    for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>(<f64>load<u16>(src + (<usize>i << 1)) * scale + min));
  }
}
