// A module of its own (scripts/build.mjs compiles it apart from the kernels, src/engine/latin1.ts embeds its bytes):
// the UTF-8 bytes of a string of characters U+0000..U+00FF, folded in place into one byte per character. It decodes
// the embedded kernel builds (strings with one character per byte) at wasm speed where the runtime has no faster way
// (a JavaScript loop over 20 k characters runs in the interpreter on a first load: 1-4 ms).

/** Folds n UTF-8 bytes at address 0 (characters U+0000..U+00FF only) in place; returns the number of characters. */
export function fold(n: usize): usize {
  let j: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    let b = <u32>load<u8>(i);
    if (b >= 0x80) { i++; b = ((b & 3) << 6) | (<u32>load<u8>(i) & 63); } // 110000xx 10xxxxxx
    store<u8>(j++, <u8>b);
  }
  return j;
}
