// Reading the Keras fixtures (tests/fixtures/keras, made by tests/fixtures/gen/gen_keras*.{mjs,py}).
import { readFileSync } from "node:fs";

const DIR = new URL("../../fixtures/keras/", import.meta.url);
export const read = (f: string) => readFileSync(new URL(f, DIR));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;
/** A fixture's model.json, weight bytes and (when present) its inputs and expected outputs. */
export const fixture = (name: string) => {
  const io = (() => { try { return JSON.parse(read(`${name}.io.json`).toString()) as AnyJson; } catch { return undefined; } })();
  return {
    json: JSON.parse(read(`${name}.model.json`).toString()) as AnyJson,
    bytes: new Uint8Array(read(`${name}.weights.bin`)),
    io,
  };
};
