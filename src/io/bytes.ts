// Number formats the loaders share: the byte order (they copy little-endian float32 data as bytes, one copy instead
// of a read per element) and IEEE binary16.

/** Whether this platform stores numbers little-endian, as ONNX, safetensors and TF.js weight files do. */
export const LITTLE_ENDIAN = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();

const f16Table = /* @__PURE__ */ (() => {
  // 2^(e-15) for each 5-bit exponent
  const t = new Float64Array(32);
  for (let e = 0; e < 32; e++) t[e] = 2 ** (e - 15);
  return t;
})();

/** IEEE binary16 bits → number. */
export function f16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * f16Table[e];
}
