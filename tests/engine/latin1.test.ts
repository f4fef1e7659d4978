// The embedded builds' text (one character per byte, src/engine/latin1.ts): the wasm fold and the JavaScript loop
// agree on every byte value, and each generated module decodes to exactly its build's .wasm file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeLatin1, decodeLatin1Js, decodeLatin1Wasm } from "../../src/engine/latin1.js";
import scalar from "../../src/engine/wasm/scalar.js";
import simd from "../../src/engine/wasm/simd.js";
import relaxed from "../../src/engine/wasm/relaxed-simd.js";
import { rng } from "../helpers.js";

const ROOT = join(__dirname, "..", "..");

describe("decodeLatin1", () => {
  it("every byte value, long runs and random text: the wasm fold equals the loop and the input's codes", () => {
    const r = rng(3);
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const random = Array.from({ length: 200_000 }, () => String.fromCharCode(Math.floor(r() * 256))).join(""); // > 1 page of UTF-8
    for (const s of ["", "a", "\u00ff", all, all.repeat(3) + "\u0000\u0080", random]) {
      const want = Uint8Array.from(s, (c) => c.charCodeAt(0));
      expect(decodeLatin1Wasm(s)).toEqual(want);
      expect(decodeLatin1Js(s)).toEqual(want);
      expect(decodeLatin1(s)).toEqual(want);
    }
  });

  it("each embedded build decodes to its .wasm file, byte for byte", () => {
    for (const [name, text] of [["scalar", scalar], ["simd", simd], ["relaxed-simd", relaxed]] as const) {
      const file = new Uint8Array(readFileSync(join(ROOT, "build", `${name}.wasm`)));
      expect(decodeLatin1Wasm(text), name).toEqual(file);
    }
  });
});
