// The golden run in a command-line runtime (Node, Bun, Deno): imports the package by name as a user project does
// (Node and Bun through the package's own `exports`, Deno through the import map in deno/deno.json), prints the
// report as one JSON line on stdout.
import * as api from "rnn-wasm";
import { readFile } from "node:fs/promises";
import { runGoldenSafe } from "./golden.mjs";

const root = new URL("../../", import.meta.url);
const read = async (path) => new Uint8Array(await readFile(new URL(path, root)));
const runtime = typeof Deno !== "undefined" ? `deno ${Deno.version.deno}`
  : typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.version}`;
const answer = await runGoldenSafe({ api, read });
console.log(JSON.stringify({ runtime, ...answer }));
