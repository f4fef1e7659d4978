// Untrusted JSON cannot touch prototypes, and nothing in the library evaluates strings as code: the sources (src/)
// and the built bundle (dist/) contain no eval(, new Function or Function( outside comments.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RnnError } from "../../src/errors.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import { loadTorch } from "../../src/io/torch.js";
import { engineFor } from "../helpers.js";
import { decodeSafe, encodeSafe } from "./safetensors-mutators.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function files(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (ext.test(e)) out.push(p);
  }
  return out;
}

/** Source text without comments (block comments, and line comments that start a line or follow whitespace). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
}

const EVALS = /\beval\s*\(|\bnew\s+Function\b|(^|[^\w$.])Function\s*\(|\bsetTimeout\s*\(\s*["'`]|\bsetInterval\s*\(\s*["'`]/m;

describe("nothing in the library evaluates strings as code", () => {
  const src = files(join(root, "src"), /\.ts$/);
  const dist = files(join(root, "dist"), /\.js$/);
  it("src/**/*.ts", () => {
    expect(src.length).toBeGreaterThan(10);
    const hits = src.filter((f) => EVALS.test(code(readFileSync(f, "utf8")))).map((f) => relative(root, f));
    expect(hits).toEqual([]);
  });
  it.skipIf(dist.length === 0)("dist/**/*.js (the built bundle, dependencies included)", () => {
    const hits = dist.filter((f) => EVALS.test(code(readFileSync(f, "utf8")))).map((f) => relative(root, f));
    expect(hits).toEqual([]);
  });
  it("the pattern finds what it must find", () => {
    for (const s of ["eval(x)", "new Function('a')", "const f = Function('return 1')", "setTimeout(\"x()\", 1)", "x;Function (a)"]) expect(EVALS.test(code(s)), s).toBe(true);
    for (const s of ["// no eval(x) here", "isFunction(a)", "x.Function(a)", "/* new Function */", "evaluate(x)"]) expect(EVALS.test(code(s)), s).toBe(false);
  });
});

describe("untrusted JSON cannot touch prototypes", () => {
  const protoState = () => [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join()).join("|");
  it("safetensors headers with __proto__, constructor and prototype keys, in names, descriptors and metadata", async () => {
    const engine = await engineFor("scalar");
    const before = protoState();
    const seed = readFileSync(join(root, "tests/fixtures/torch/lstm_basic.safetensors"));
    const doc = decodeSafe(new Uint8Array(seed));
    const payload = '{"polluted_by_test":"yes","constructor":{"prototype":{"polluted_by_test":"yes"}}}';
    const variants = [
      encodeSafe(doc, true, [`"__proto__":${payload}`]),
      encodeSafe(doc, true, [`"constructor":${payload}`]),
      encodeSafe(doc, true, [`"__metadata__":{"__proto__":"x","constructor":"y","polluted_by_test":"z"}`]),
      encodeSafe({ ...doc, tensors: doc.tensors.map((t) => ({ ...t, desc: { ...t.desc, __proto__x: 1 } })) }, true, [`"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"__proto__":{"polluted_by_test":"yes"}}`]),
      encodeSafe({ ...doc, tensors: doc.tensors.map((t) => ({ ...t, name: "__proto__." + t.name })) }, true),
    ];
    for (const bytes of variants) {
      try {
        const f = parseSafetensors(bytes);
        expect(Object.getPrototypeOf(f.metadata)).toBeNull();
        const m = await loadTorch(bytes, { engine });
        m.dispose();
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(RnnError);
      }
    }
    expect(({} as Record<string, unknown>).polluted_by_test).toBeUndefined();
    expect(protoState()).toBe(before);
  });
});
