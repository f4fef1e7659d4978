// Helpers shared by the loader entries: reading seed files, the output-dims oracle, golden comparisons.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../../../src/api.js";

/** Thrown by an entry when an output breaks its own contract (e.g. dims that disagree with the data length). */
export class OracleError extends Error {
  constructor(message: string) { super(message); this.name = "OracleError"; }
}

export function readSeed(root: string, path: string): Uint8Array {
  const b = readFileSync(join(root, path));
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Checks that a returned Tensor owns data consistent with its dims. */
export function checkOutput(t: Tensor | undefined, what: string): void {
  if (!t) throw new OracleError(`${what}: missing`);
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isInteger(d) || d < 0) throw new OracleError(`${what}: dims [${t.dims.join(", ")}] are not non-negative integers`);
    n *= d;
  }
  if (n !== t.data.length) throw new OracleError(`${what}: dims [${t.dims.join(", ")}] hold ${n} elements but data has ${t.data.length}`);
}

/** |got − exp| ≤ 1e-5 + 1e-4·|exp| (NaN matches NaN); a description of the first miss, or null. */
export function closeTo(got: ArrayLike<number>, exp: ArrayLike<number>, what: string): string | null {
  if (got.length !== exp.length) return `${what}: length ${got.length}, expected ${exp.length}`;
  for (let i = 0; i < exp.length; i++) {
    const g = got[i], e = exp[i];
    if (Number.isNaN(e) && Number.isNaN(g)) continue;
    if (!(Math.abs(g - e) <= 1e-5 + 1e-4 * Math.abs(e))) return `${what}[${i}]: ${g}, expected ${e}`;
  }
  return null;
}

/** Random finite floats in (−scale, scale). */
export function randomF32(next: () => number, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() * 2 - 1) * scale;
  return a;
}
