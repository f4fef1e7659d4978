// A small base64 decoder (no atob/Buffer dependency, no string evaluation): the embedded wasm builds are stored as
// base64 text in generated modules.

const LOOKUP = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128).fill(255);
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) t[abc.charCodeAt(i)] = i;
  return t;
})();

export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  // the runtime's own decoder where there is one (fast from the first call); the loop below elsewhere
  const U8 = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> };
  if (typeof U8.fromBase64 === "function") return U8.fromBase64(s);
  const NodeBuffer = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (NodeBuffer && typeof NodeBuffer.from === "function") {
    const b = NodeBuffer.from(s, "base64");
    return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) === 61 /* = */) n--;
  const out = new Uint8Array((n * 3) >> 2);
  let acc = 0, bits = 0, j = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc << 6) | LOOKUP[s.charCodeAt(i) & 127];
    bits += 6;
    if (bits >= 8) { bits -= 8; out[j++] = (acc >> bits) & 255; }
  }
  return out;
}
