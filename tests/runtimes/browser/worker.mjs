// The golden run in a module Web Worker (import maps do not reach workers: the package is imported by its URL).
import * as api from "/dist/index.js";
import { runGoldenSafe } from "/tests/runtimes/golden.mjs";

const read = async (path) => {
  const r = await fetch("/" + path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};
postMessage(await runGoldenSafe({ api, read }));
