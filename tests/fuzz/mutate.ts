// Mutation vocabulary of the fuzzer: a seeded random source, byte-level mutators that any file format gets (bit flips,
// interesting bytes, truncation, growth, splices), JSON mutators (deep nesting, enormous values, prototype keys,
// duplicated keys), and a generic protobuf wire-format codec whose tree the ONNX mutators edit.
//
// Every mutator is a pure function of (input, random source): a run is reproduced from its seed and input index.

/** A seeded random source (mulberry32) with the choices the mutators need. */
export class Rand {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  /** Picks by weight: [[weight, value], …]. */
  weighted<T>(a: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of a) total += w;
    let x = this.next() * total;
    for (const [w, v] of a) { if ((x -= w) < 0) return v; }
    return a[a.length - 1][1];
  }
}

/** Mixes a run seed and an input index into the seed of that input's random source. */
export function inputSeed(runSeed: number, index: number): number {
  // hash the run seed on its own first, so that nearby seeds give unrelated input streams (a plain xor with the
  // index would make seeds 0..N a permutation of the same inputs)
  let h = Math.imul((runSeed ^ 0x9e3779b9) >>> 0, 0xcc9e2d51) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x1b873593) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Interesting values

/** Dimension and count values that break naive arithmetic: zero, one, signs, powers of two around 2^31/2^32/2^53. */
export const INTERESTING_INTS: readonly number[] = [
  0, 1, 2, 3, 7, 8, 9, 255, 256, 65535, 65536, -1, -2, -65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1,
  2 ** 40, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), -(2 ** 53), 1e300,
];
/** Values that are not non-negative integers at all. */
export const WEIRD_JSON_VALUES: readonly unknown[] = [
  -1, 1.5, -0.5, 1e309 /* Infinity → null in JSON */, "4", "", null, true, false, [], {}, [1, 2], { length: 2 }, "NaN",
];
/** Float32 values that stress the kernels: NaN, ±Inf, the largest finite, denormals, −0. */
export const INTERESTING_F32: readonly number[] = [
  NaN, Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45, 1.1754943508222875e-38,
  -0, 0, 1, -1, 88.8, -88.8, 1e20, -1e20,
];
const INTERESTING_BYTES: readonly number[] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22 /* " */, 0x5c /* \ */, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x39, 0x2d, 0xc0, 0xed];

// ---------------------------------------------------------------------------------------------------------------
// Byte-level mutators (any format)

export type ByteMutator = (b: Uint8Array, r: Rand, others: readonly Uint8Array[]) => Uint8Array;

export const BYTE_MUTATORS: Record<string, ByteMutator> = {
  bitFlips(b, r) {
    const out = b.slice();
    if (!out.length) return out;
    for (let n = r.range(1, 8); n > 0; n--) { const i = r.int(out.length); out[i] ^= 1 << r.int(8); }
    return out;
  },
  interestingByte(b, r) {
    const out = b.slice();
    if (!out.length) return out;
    for (let n = r.range(1, 4); n > 0; n--) out[r.int(out.length)] = r.pick(INTERESTING_BYTES);
    return out;
  },
  truncate(b, r) { return b.slice(0, r.int(b.length + 1)); },
  truncateTail(b, r) { return b.slice(0, Math.max(0, b.length - r.range(1, 16))); },
  appendGarbage(b, r) {
    const extra = new Uint8Array(r.pick([1, 7, 8, 64, 4096]));
    for (let i = 0; i < extra.length; i++) extra[i] = r.int(256);
    return concat([b, extra]);
  },
  deleteChunk(b, r) {
    if (b.length < 2) return b.slice();
    const at = r.int(b.length), n = Math.min(b.length - at, r.range(1, 64));
    return concat([b.subarray(0, at), b.subarray(at + n)]);
  },
  duplicateChunk(b, r) {
    if (!b.length) return b.slice();
    const at = r.int(b.length), n = Math.min(b.length - at, r.range(1, 256));
    return concat([b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n)]);
  },
  overwriteU32(b, r) {
    const out = b.slice();
    if (out.length < 4) return out;
    const at = r.int(out.length - 3);
    new DataView(out.buffer).setUint32(at, r.pick(INTERESTING_INTS) >>> 0, true);
    return out;
  },
  spliceOther(b, r, others) {
    const o = r.pick(others);
    if (!o || !o.length || !b.length) return b.slice();
    const at = r.int(b.length), from = r.int(o.length);
    return concat([b.subarray(0, at), o.subarray(from)]);
  },
};

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON mutators (values inside a parsed JSON document)

/** A value nested `depth` levels deep, built as text (so that building it cannot overflow the stack). */
export function deepJsonText(depth: number, open = "[", close = "]", leaf = "1"): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}
export function deepObjectText(depth: number): string {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** Keys that reach prototypes when a parser or a consumer assigns them naively. */
export const PROTO_KEYS: readonly string[] = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf", "__defineGetter__"];

/** A payload that pollutes Object.prototype if a consumer merges it naively. */
export const POLLUTION_JSON = '{"polluted_by_fuzz":"yes","toString":"x","constructor":{"prototype":{"polluted_by_fuzz":"yes"}}}';

/** A random "bad" JSON text for a value slot: deep nesting, enormous arrays or strings, prototype payloads, or weird scalars. */
export function badJsonValueText(r: Rand): string {
  switch (r.int(7)) {
    case 0: return deepJsonText(r.pick([64, 1000, 100_000]));
    case 1: return deepObjectText(r.pick([64, 1000, 20_000]));
    case 2: return "[" + Array.from({ length: r.pick([9, 100, 20_000]) }, () => String(r.int(10))).join(",") + "]";
    case 3: return JSON.stringify("x".repeat(r.pick([1000, 200_000])));
    case 4: return POLLUTION_JSON;
    case 5: return r.pick(["1e999", "-1e999", "-0", "1.5", "9007199254740993", "18446744073709551615", '"\\ud800"', "null", "true"]);
    default: return JSON.stringify(r.pick(WEIRD_JSON_VALUES));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Protobuf wire format (enough to edit ONNX files structurally without knowing every message)

/** One field of a protobuf message: number, wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32), value. */
export interface PbField {
  no: number;
  wt: 0 | 1 | 2 | 5;
  /** varint as bigint (full 64 bits); fixed as raw bytes; length-delimited as bytes (or a parsed child message). */
  v: bigint | Uint8Array;
  child?: PbField[];
}

/** Parses a message into its fields; null when the bytes are not a well-formed message. */
export function pbParse(b: Uint8Array): PbField[] | null {
  const out: PbField[] = [];
  let i = 0;
  const varint = (): bigint | null => {
    let x = 0n, shift = 0n;
    for (let k = 0; k < 10; k++) {
      if (i >= b.length) return null;
      const c = b[i++];
      x |= BigInt(c & 0x7f) << shift;
      if (!(c & 0x80)) return x & 0xffffffffffffffffn;
      shift += 7n;
    }
    return null;
  };
  while (i < b.length) {
    const tag = varint();
    if (tag === null) return null;
    const no = Number(tag >> 3n), wt = Number(tag & 7n);
    if (no === 0) return null;
    if (wt === 0) { const v = varint(); if (v === null) return null; out.push({ no, wt, v }); }
    else if (wt === 1) { if (i + 8 > b.length) return null; out.push({ no, wt, v: b.slice(i, i + 8) }); i += 8; }
    else if (wt === 5) { if (i + 4 > b.length) return null; out.push({ no, wt, v: b.slice(i, i + 4) }); i += 4; }
    else if (wt === 2) {
      const n = varint();
      if (n === null || n > BigInt(b.length - i)) return null;
      out.push({ no, wt, v: b.slice(i, i + Number(n)) }); i += Number(n);
    } else return null;
  }
  return out;
}

function varintBytes(x: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, x);
  do { let c = Number(v & 0x7fn); v >>= 7n; if (v) c |= 0x80; out.push(c); } while (v);
  return out;
}

/** Serialises fields (children first, so that edits inside a child are kept). */
export function pbSerialize(fields: readonly PbField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(Uint8Array.from(varintBytes(BigInt((f.no << 3) | f.wt))));
    if (f.wt === 0) parts.push(Uint8Array.from(varintBytes(f.v as bigint)));
    else if (f.wt === 2) {
      const body = f.child ? pbSerialize(f.child) : (f.v as Uint8Array);
      parts.push(Uint8Array.from(varintBytes(BigInt(body.length))), body);
    } else parts.push(f.v as Uint8Array);
  }
  return concat(parts);
}

/** Which length-delimited fields of which message hold sub-messages, by message name (a schema sketch). */
export type PbSchema = Record<string, Record<number, string>>;

/** Parses a message and, following the schema, its sub-messages; fields that do not parse stay bytes. */
export function pbParseTree(b: Uint8Array, schema: PbSchema, type: string): PbField[] | null {
  const fields = pbParse(b);
  if (!fields) return null;
  const kids = schema[type] ?? {};
  for (const f of fields) {
    const t = kids[f.no];
    if (t && f.wt === 2) {
      const c = pbParseTree(f.v as Uint8Array, schema, t);
      if (c) f.child = c;
    }
  }
  return fields;
}

/** Every (message, its type) in a parsed tree, root first. */
export function pbMessages(root: PbField[], schema: PbSchema, type: string): { fields: PbField[]; type: string }[] {
  const out = [{ fields: root, type }];
  for (let k = 0; k < out.length; k++) {
    const { fields, type: t } = out[k];
    for (const f of fields) if (f.child) out.push({ fields: f.child, type: schema[t]?.[f.no] ?? "?" });
  }
  return out;
}

/** Interesting varints: 0, 1, small, sign-extended negatives (10-byte varints), 2^31, 2^32, 2^63−1, 2^64−1. */
export const INTERESTING_VARINTS: readonly bigint[] = [
  0n, 1n, 2n, 3n, 4n, 7n, 8n, 16n, 255n, 65536n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n + 1n,
  2n ** 63n - 1n, 2n ** 64n - 1n /* -1 */, 2n ** 64n - 2n /* -2 */, 2n ** 64n - 2n ** 31n,
];

// ---------------------------------------------------------------------------------------------------------------
// Structure-aware edits of a parsed JSON document (model.json, architecture metadata)

type JsonContainer = Record<string, unknown> | unknown[];

/** Every container in a JSON tree with its path (breadth-first, at most `max`). */
function containers(root: unknown, max = 4000): { c: JsonContainer; path: string }[] {
  const out: { c: JsonContainer; path: string }[] = [];
  const queue: { v: unknown; path: string }[] = [{ v: root, path: "$" }];
  for (let k = 0; k < queue.length && out.length < max; k++) {
    const { v, path } = queue[k];
    if (v === null || typeof v !== "object") continue;
    out.push({ c: v as JsonContainer, path });
    for (const [key, child] of Object.entries(v)) queue.push({ v: child, path: `${path}.${key}` });
  }
  return out;
}

/** Names a model file may use for classes, activations, dtypes and ops: swapping them in reaches deeper checks. */
export const MODEL_WORDS: readonly string[] = [
  "LSTM", "GRU", "SimpleRNN", "Dense", "Bidirectional", "Embedding", "Masking", "Flatten", "TimeDistributed", "Conv2D", "Lambda",
  "InputLayer", "Sequential", "Model", "tanh", "sigmoid", "relu", "linear", "softmax", "hard_sigmoid", "swish", "gelu", "exotic",
  "float32", "int32", "uint8", "uint16", "float16", "string", "complex64", "concat", "sum", "mul", "ave", "gru", "lstm", "rnn",
  "dense", "pool", "embedding", "mean", "max", "__proto__", "constructor", "", "x".repeat(300),
];

/** One edit somewhere in a parsed JSON tree (in place): a value replaced, a key removed or added, an element duplicated. */
export function mutateJsonTree(root: unknown, r: Rand): string {
  const all = containers(root);
  if (!all.length) return "none";
  const { c, path } = r.pick(all);
  const keys = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
  const set = (k: string | number, v: unknown) => { (c as Record<string, unknown>)[k as string] = v; };
  const op = r.int(8);
  if (!keys.length || op === 0) {
    if (Array.isArray(c)) c.push(r.pick<unknown>([1, "x", null, {}, []]));
    else set(r.pick(["__proto__", "constructor", "extra", "units", "dtype", "shape", "class_name"]), r.pick<unknown>([1, "x", null, { polluted_by_fuzz: "yes" }, []]));
    return `add@${path}`;
  }
  const k = r.pick<string | number>(keys);
  const v = (c as Record<string, unknown>)[k as string];
  switch (op) {
    case 1: if (Array.isArray(c)) c.splice(k as number, 1); else delete (c as Record<string, unknown>)[k as string]; return `delete@${path}.${k}`;
    case 2: if (Array.isArray(c)) { c.splice(k as number, 0, structuredClone(v)); return `dup@${path}.${k}`; } set(k, null); return `null@${path}.${k}`;
    case 3: set(k, typeof v === "number" ? r.pick(INTERESTING_INTS) : r.pick(WEIRD_JSON_VALUES)); return `number@${path}.${k}`;
    case 4: set(k, typeof v === "number" ? (Number.isInteger(v) ? v + r.pick([-1, 1, 2, -2]) : v * r.pick([-1, 2, 0, 1e30])) : r.pick(MODEL_WORDS)); return `nudge@${path}.${k}`;
    case 5: set(k, typeof v === "string" ? r.pick(MODEL_WORDS) : typeof v === "boolean" ? !v : r.pick<unknown>([true, false, "true", 0])); return `word@${path}.${k}`;
    case 6: { const other = r.pick(all).c; set(k, structuredClone(other)); return `graft@${path}.${k}`; }
    default: set(k, JSON.parse(r.chance(0.5) ? deepJsonText(r.pick([50, 300])) : "[" + "0,".repeat(r.pick([10, 5000])) + "0]")); return `big@${path}.${k}`;
  }
}
