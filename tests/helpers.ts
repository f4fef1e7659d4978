// Shared test helpers: one engine per build, the tolerance check, seeded random data.
import { Engine } from "../src/engine/engine.js";
import type { BuildName } from "../src/api.js";

export const BUILDS: BuildName[] = ["scalar", "simd", "relaxed-simd"];

const engines = new Map<string, Promise<Engine>>();
/** One engine per build (a build that cannot run fails the test: it is never skipped). */
export function engineFor(build: BuildName): Promise<Engine> {
  let e = engines.get(build);
  if (!e) { e = Engine.create({ build }); engines.set(build, e); }
  return e;
}

/** |got − exp| ≤ abs + rel·|exp| element-wise; returns a description of the worst element, or null. */
export function closeTo(got: ArrayLike<number>, exp: ArrayLike<number>, abs = 1e-5, rel = 1e-4): string | null {
  if (got.length !== exp.length) return `length ${got.length} vs expected ${exp.length}`;
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < exp.length; i++) {
    const g = got[i], e = exp[i];
    if ((Number.isNaN(e) && Number.isNaN(g)) || g === e) continue;
    const d = Math.abs(g - e);
    const excess = d - (abs + rel * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) { worst = i; worstExcess = excess; }
  }
  if (worst < 0) return null;
  return `element ${worst}: got ${got[worst]}, expected ${exp[worst]} (|diff| ${Math.abs(got[worst] - exp[worst]).toExponential(3)})`;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Bit-for-bit equality of two float arrays (NaN payloads aside). */
export function sameBits(a: Float32Array, b: Float32Array): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return `element ${i}: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

/** mulberry32 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randF32(r: () => number, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}
