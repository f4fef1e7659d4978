// Structure-aware mutators of safetensors files: the file is decoded (header JSON + per-tensor data), one part is
// edited — a shape, a dtype, offsets, tensor data, a tensor added, removed, renamed or duplicated, the metadata, the
// header length — and the file is re-encoded. Edits that keep offsets consistent ("relayout") produce files that parse
// and reach the loader's validation or run; the others aim at the parser's own checks.

import { BYTE_MUTATORS, INTERESTING_F32, INTERESTING_INTS, PROTO_KEYS, POLLUTION_JSON, Rand, WEIRD_JSON_VALUES, badJsonValueText, concat } from "./mutate.js";

const DT_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** A decoded file: tensors in file order with their own bytes; `meta` is the raw __metadata__ value (or undefined). */
export interface SafeDoc {
  tensors: { name: string; desc: Record<string, unknown>; data: Uint8Array }[];
  meta: unknown;
}

/** Decodes a well-formed safetensors file (seeds only; throws on anything else). */
export function decodeSafe(bytes: Uint8Array): SafeDoc {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen))) as Record<string, Record<string, unknown>>;
  const start = 8 + hlen;
  const tensors: SafeDoc["tensors"] = [];
  let meta: unknown;
  for (const [name, desc] of Object.entries(header)) {
    if (name === "__metadata__") { meta = desc; continue; }
    const [b, e] = desc.data_offsets as number[];
    tensors.push({ name, desc: { ...desc }, data: bytes.slice(start + b, start + e) });
  }
  tensors.sort((a, b) => (a.desc.data_offsets as number[])[0] - (b.desc.data_offsets as number[])[0]);
  return { tensors, meta };
}

/**
 * Encodes a document. With `relayout` the data_offsets are recomputed from each tensor's data (the file is then
 * consistent unless a shape or dtype disagrees with the data); otherwise the descriptors' offsets are kept as they are.
 * `rawEntries` are extra "key": value texts spliced into the header verbatim (duplicated keys, bad JSON values).
 */
export function encodeSafe(doc: SafeDoc, relayout: boolean, rawEntries: string[] = [], headerPad = 0): Uint8Array {
  const parts: string[] = [];
  let off = 0;
  const datas: Uint8Array[] = [];
  if (doc.meta !== undefined) parts.push(`"__metadata__":${JSON.stringify(doc.meta)}`);
  for (const t of doc.tensors) {
    const desc = { ...t.desc };
    if (relayout) { desc.data_offsets = [off, off + t.data.length]; }
    off += t.data.length;
    datas.push(t.data);
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify(desc)}`);
  }
  parts.push(...rawEntries);
  let text = "{" + parts.join(",") + "}";
  const pad = (8 - (text.length % 8)) % 8 + headerPad;
  text += " ".repeat(pad);
  const head = new TextEncoder().encode(text);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(head.length), true);
  return concat([len, head, ...datas]);
}

function clone(doc: SafeDoc): SafeDoc {
  return { meta: doc.meta, tensors: doc.tensors.map((t) => ({ name: t.name, desc: { ...t.desc, shape: [...(t.desc.shape as number[])] }, data: t.data })) };
}

function elements(shape: unknown): number {
  if (!Array.isArray(shape)) return 0;
  let n = 1;
  for (const d of shape) n *= typeof d === "number" ? d : 0;
  return n;
}

/** Resizes data to n elements of `bytes` each, keeping the prefix and filling the rest with small random floats. */
function resizeData(data: Uint8Array, n: number, bytes: number, r: Rand): Uint8Array {
  const want = n * bytes;
  if (want > 1 << 22) return data; // a consistent file of more than 4 MiB is not worth building
  const out = new Uint8Array(want);
  out.set(data.subarray(0, Math.min(want, data.length)));
  if (want > data.length && bytes === 4) {
    const dv = new DataView(out.buffer);
    for (let o = data.length - (data.length % 4); o + 4 <= want; o += 4) dv.setFloat32(o, (r.next() * 2 - 1) * 0.5, true);
  }
  return out;
}

const RENAMES: readonly ((s: string, r: Rand) => string)[] = [
  (s, r) => s.replace(/_l(\d+)/, () => `_l${r.pick([0, 1, 2, 7, 99, -1])}`),
  (s) => (s.endsWith("_reverse") ? s.slice(0, -8) : s + "_reverse"),
  (s, r) => r.pick(["a.", "encoder.rnn.", "x.y.", "", "__proto__.", "constructor."]) + s,
  (s) => s.replace("weight_ih", "weight_hh"),
  (s) => s.replace(/weight_(ih|hh)/, "weight_hr"),
  (s) => s.replace("weight", "bias"),
  (s, r) => r.pick(PROTO_KEYS),
  (s, r) => s + r.pick(["\u0000", "\ud7ff", "é", " "]),
];

/** The structure-aware mutators, by name. Each returns the new file bytes. */
export const SAFE_MUTATORS: Record<string, (doc: SafeDoc, r: Rand) => Uint8Array> = {
  /** Change one dim (or the rank) and resize the data to match: a valid file with a mis-shaped tensor. */
  reshapeConsistent(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    const s = t.desc.shape as number[];
    switch (r.int(5)) {
      case 0: if (s.length) { const i = r.int(s.length); s[i] = Math.max(0, s[i] + r.pick([-1, 1, 2, -2, 7])); } break;
      case 1: if (s.length) s[r.int(s.length)] = r.pick([0, 1, 2, 3, 8, 33]); break;
      case 2: s.reverse(); break;
      case 3: if (s.length) s.splice(r.int(s.length), 1); break;
      default: s.splice(r.int(s.length + 1), 0, r.pick([1, 2]));
    }
    t.data = resizeData(t.data, elements(s), DT_BYTES[t.desc.dtype as string] ?? 4, r);
    return encodeSafe(d, true);
  },
  /** A huge, negative, fractional or non-numeric dim; or too many dims (offsets left as they were). */
  shapeBad(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    const s = t.desc.shape as unknown[];
    switch (r.int(4)) {
      case 0: if (s.length) s[r.int(s.length)] = r.pick(INTERESTING_INTS); else s.push(r.pick(INTERESTING_INTS)); break;
      case 1: if (s.length) s[r.int(s.length)] = r.pick(WEIRD_JSON_VALUES); break;
      case 2: t.desc.shape = Array.from({ length: r.pick([9, 33, 1000]) }, () => 1); break;
      default: t.desc.shape = r.pick([null, "2,3", {}, 5, [[2, 3]], [2 ** 16, 2 ** 16, 2 ** 16], [2 ** 26, 16], [2 ** 31, 2 ** 31]]);
    }
    return encodeSafe(d, true);
  },
  /** Another dtype: valid ones with the data resized to match (reinterpreted bytes), or unknown ones. */
  dtype(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    if (r.chance(0.6)) {
      const dt = r.pick(["F32", "F16", "BF16", "F64", "I32", "I64", "I8", "U8", "BOOL", "I16"]);
      t.desc.dtype = dt;
      t.data = resizeData(t.data, elements(t.desc.shape), DT_BYTES[dt], r);
    } else {
      t.desc.dtype = r.pick(["F8", "f32", "", "U64", "C64", null, 4, ["F32"], "__proto__", "constructor", "toString"]);
    }
    return encodeSafe(d, true);
  },
  /** data_offsets edited in place: shifted, swapped, past the end, negative, overlapping, non-integer, wrong arity. */
  offsets(doc, r) {
    const d = clone(doc);
    let off = 0;
    for (const t of d.tensors) { t.desc.data_offsets = [off, off + t.data.length]; off += t.data.length; }
    const t = r.pick(d.tensors);
    const o = t.desc.data_offsets as unknown[];
    switch (r.int(6)) {
      case 0: o[r.int(2)] = (o[0] as number) + r.pick([-8, -4, -1, 1, 4, 8]); break;
      case 1: t.desc.data_offsets = [o[1], o[0]]; break;
      case 2: o[1] = off + r.pick([1, 4, 2 ** 31, 2 ** 32, 2 ** 53]); break;
      case 3: o[r.int(2)] = r.pick(WEIRD_JSON_VALUES); break;
      case 4: { const u = r.pick(d.tensors); u.desc.data_offsets = [...(t.desc.data_offsets as number[])]; break; } // overlap/alias
      default: t.desc.data_offsets = r.pick([[0], [0, 0, 0], [], null, "0,4", { 0: 0, 1: 4 }]);
    }
    return encodeSafe(d, false);
  },
  /** Tensor values replaced by NaN, ±Inf, huge, denormal, −0 or random bits: a valid file that must run. */
  data(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    const data = t.data.slice();
    const dv = new DataView(data.buffer);
    const n = Math.floor(data.length / 4);
    if (n && t.desc.dtype === "F32") {
      for (let k = r.range(1, 6); k > 0; k--) {
        const i = r.int(n) * 4;
        if (r.chance(0.3)) dv.setUint32(i, r.int(2 ** 32), true);
        else dv.setFloat32(i, r.pick(INTERESTING_F32), true);
      }
    } else {
      for (let k = r.range(1, 6); k > 0 && data.length; k--) data[r.int(data.length)] = r.pick([0xff, 0x7f, 0x80, 0x7c, 0xfc, 0]);
    }
    t.data = data;
    return encodeSafe(d, true);
  },
  /** A tensor removed: the module misses a weight or a whole layer/direction. */
  drop(doc, r) {
    const d = clone(doc);
    d.tensors.splice(r.int(d.tensors.length), 1);
    return encodeSafe(d, true);
  },
  /** A tensor copied under another name (another layer, direction, prefix or a prototype key). */
  duplicate(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    d.tensors.push({ name: r.pick(RENAMES)(t.name, r), desc: { ...t.desc, shape: [...(t.desc.shape as number[])] }, data: t.data.slice() });
    return encodeSafe(d, true);
  },
  /** A tensor renamed. */
  rename(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    t.name = r.pick(RENAMES)(t.name, r);
    return encodeSafe(d, true);
  },
  /** The same key twice in the header text (JSON.parse keeps the last). */
  duplicateKey(doc, r) {
    const d = clone(doc);
    const t = r.pick(d.tensors);
    const desc = { ...t.desc, shape: (t.desc.shape as number[]).map((x) => x + r.pick([0, 1])) };
    return encodeSafe(d, true, [`${JSON.stringify(t.name)}:${JSON.stringify(desc)}`]);
  },
  /** Many extra tensors (zero-size or aliasing the same bytes). */
  manyTensors(doc, r) {
    const d = clone(doc);
    const n = r.pick([100, 5000]);
    const raw: string[] = [];
    for (let i = 0; i < n; i++) raw.push(`"extra.${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    return encodeSafe(d, true, raw);
  },
  /** A bad JSON value somewhere: deep nesting, enormous arrays or strings, prototype payloads. */
  badJson(doc, r) {
    const d = clone(doc);
    const where = r.int(5);
    const v = badJsonValueText(r);
    if (where === 0) { d.meta = undefined; return encodeSafe(d, true, [`"__metadata__":${v}`]); }
    if (where === 1) return encodeSafe(d, true, [`${JSON.stringify(r.pick(PROTO_KEYS))}:${v}`]);
    if (where === 2) return encodeSafe(d, true, [`"weight_ih_l0":${v}`]);
    const t = r.pick(d.tensors);
    const key = r.pick(["shape", "dtype", "data_offsets", "__proto__", "constructor"]);
    const desc = { ...t.desc } as Record<string, unknown>;
    const marker = "\u0001MARK\u0001";
    desc[key] = marker;
    // splice the raw text in place of the marker
    d.tensors = d.tensors.filter((u) => u !== t);
    return encodeSafe(d, true, [`${JSON.stringify(t.name)}:${JSON.stringify(desc).replace(JSON.stringify(marker), v)}`]);
  },
  /** __metadata__ with non-string values, prototype keys, or not an object. */
  metadata(doc, r) {
    const d = clone(doc);
    d.meta = r.pick<unknown>([{ format: 1 }, { __proto__x: "a" }, JSON.parse(POLLUTION_JSON), [], "pt", null, { a: { b: "c" } }, { ["x".repeat(10000)]: "y" }]);
    if (r.chance(0.5)) return encodeSafe(d, true, ['"__proto__":{"polluted_by_fuzz":"yes"}']);
    return encodeSafe(d, true);
  },
  /** The 8-byte header length: off by a little, zero, the whole file, beyond 2^32, 2^53 or 2^64−1. */
  headerLength(doc, r) {
    const out = encodeSafe(clone(doc), true, [], r.chance(0.2) ? r.pick([0, 8, 100]) : 0);
    const dv = new DataView(out.buffer);
    const h = Number(dv.getBigUint64(0, true));
    const v = r.pick<bigint>([BigInt(h + 1), BigInt(h - 1), BigInt(h + 8), BigInt(Math.max(0, h - 8)), 0n, BigInt(out.length), BigInt(out.length - 8),
      2n ** 32n + BigInt(h), 2n ** 53n, 2n ** 64n - 1n, 2n ** 31n, 100n * 1024n * 1024n + 1n]);
    dv.setBigUint64(0, v, true);
    return out;
  },
  /** Header bytes that are not UTF-8 or not JSON. */
  headerBytes(doc, r) {
    const out = encodeSafe(clone(doc), true);
    const hlen = Number(new DataView(out.buffer).getBigUint64(0, true));
    for (let k = r.range(1, 3); k > 0; k--) out[8 + r.int(hlen)] = r.pick([0xff, 0xc0, 0xed, 0x80, 0x00, 0x22, 0x7b, 0x7d, 0x5c, 0x2c]);
    return out;
  },
};

/**
 * How often each structure-aware mutator is picked. The ones that keep the file consistent (so that the mutant reaches
 * the loader's validation or runs) weigh more than the ones aimed at the parser's own checks.
 */
const SAFE_WEIGHTS: Record<keyof typeof SAFE_MUTATORS, number> = {
  reshapeConsistent: 8, dtype: 4, data: 8, drop: 4, duplicate: 4, rename: 4, duplicateKey: 2, manyTensors: 1, metadata: 2,
  shapeBad: 2, offsets: 2, badJson: 2, headerLength: 1, headerBytes: 1,
};

/** One mutant: 1–3 mutations, mostly structure-aware, sometimes byte-level. */
export function mutateSafetensors(seed: Uint8Array, seeds: readonly Uint8Array[], r: Rand): { bytes: Uint8Array; how: string[] } {
  const how: string[] = [];
  let bytes = seed;
  const weighted = Object.entries(SAFE_WEIGHTS).map(([k, w]) => [w, k] as const);
  const bytesNames = Object.keys(BYTE_MUTATORS);
  const n = r.weighted([[6, 1], [3, 2], [1, 3]] as const);
  for (let k = 0; k < n; k++) {
    let doc: SafeDoc | null = null;
    try { doc = decodeSafe(bytes); } catch { doc = null; }
    let structured: Uint8Array | null = null;
    if (doc && doc.tensors.length && r.chance(0.88)) {
      const m = r.weighted(weighted);
      try { structured = SAFE_MUTATORS[m](doc, r); how.push(m); } catch { structured = null; } // an earlier mutant the codec cannot edit
    }
    if (structured) bytes = structured;
    else {
      const m = r.pick(bytesNames);
      how.push(m);
      bytes = BYTE_MUTATORS[m](bytes, r, seeds);
    }
  }
  return { bytes, how };
}
