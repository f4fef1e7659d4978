// A user's app in a scratch project that installed the packed tarball: imports the package by name, runs the golden
// fixtures (read from the repository given by RNN_WASM_REPO) and prints the report as JSON. The test runs it as is
// with Node, and bundled by esbuild (no plugin) from a directory without node_modules.
import * as api from "rnn-wasm";
import { init, LSTM, loadTorch } from "rnn-wasm";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runGoldenSafe } from "./golden.mjs";

const root = process.env.RNN_WASM_REPO;
const read = async (path) => new Uint8Array(await readFile(join(root, path)));
const named = [typeof init, typeof LSTM, typeof loadTorch];
console.log(JSON.stringify({ runtime: `node ${process.version}`, named, ...(await runGoldenSafe({ api, read })) }));
