// The golden run in workerd (Cloudflare Workers' runtime), which refuses to compile WebAssembly from bytes: every
// build arrives as a Wasm module import of rnn-wasm/wasm/<build>.wasm and reaches the engine through `{ wasm }`.
// A POST carries the fixture files (JSON: repository path → base64); the answer is the report as JSON.
import * as api from "rnn-wasm";
import scalar from "./scalar.wasm";
import simd from "./simd.wasm";
import relaxedSimd from "./relaxed-simd.wasm";
import { runGoldenSafe } from "../golden.mjs";

const modules = { scalar, simd, "relaxed-simd": relaxedSimd };

export default {
  async fetch(request) {
    const files = await request.json();
    const read = async (path) => {
      if (!(path in files)) throw new Error(`${path}: not sent by the test`);
      return Uint8Array.from(atob(files[path]), (ch) => ch.charCodeAt(0));
    };
    // The embedded build needs run-time compilation: here it must refuse with NO_WASM, not crash.
    let embedded;
    try {
      const e = await api.createEngine({ build: "simd" });
      embedded = { ok: true, build: e.build };
    } catch (e) {
      embedded = { ok: false, code: e.code, message: String(e.message) };
    }
    const answer = await runGoldenSafe({ api, read, modules, initOptions: { wasm: simd } });
    return Response.json({ runtime: "workerd", modulesAreModules: scalar instanceof WebAssembly.Module, embedded, ...answer });
  },
};
