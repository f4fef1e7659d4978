// The embedded wasm builds are stored in generated modules as strings with one character per byte (U+0000..U+00FF,
// the few that a string literal cannot hold raw escaped): gzipped, that is ~25 % smaller than base64 text, since the
// compressor sees the module's own bytes. Decoding: the runtime's UTF-8 encoder (native), then a 127-byte wasm
// module (assembly/latin1/fold.ts) folds the two-byte sequences back, where a JavaScript loop over 20 k characters
// would run in the interpreter on a first load (1-4 ms). No atob/Buffer, no string evaluation.

import { FOLD_WASM } from "./wasm/fold.js";

/** The bytes of a string of characters U+0000..U+00FF. */
export function decodeLatin1(s: string): Uint8Array<ArrayBuffer> {
  try {
    return decodeLatin1Wasm(s);
  } catch {
    return decodeLatin1Js(s); // no TextEncoder, or no compiling wasm from bytes here
  }
}

/** decodeLatin1 by the runtime's UTF-8 encoder and the fold module (throws where either is missing). */
export function decodeLatin1Wasm(s: string): Uint8Array<ArrayBuffer> {
  const utf8 = new TextEncoder().encode(s);
  const { memory, fold } = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(FOLD_WASM)), {}).exports as
    { memory: WebAssembly.Memory; fold(n: number): number };
  const pages = Math.ceil(utf8.length / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  new Uint8Array(memory.buffer).set(utf8);
  return new Uint8Array(memory.buffer.slice(0, fold(utf8.length)));
}

/** decodeLatin1 by a JavaScript loop (the fallback, and the reference the tests compare with). */
export function decodeLatin1Js(s: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
