// A validating reader of the safetensors format: 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and [begin, end) byte offsets into the data that follows. Every inconsistency is BAD_MODEL,
// raised before any tensor is converted; element counts are checked against the engine's limits first.

import { RnnError, describe } from "../errors.js";
import { LITTLE_ENDIAN, f16ToNumber } from "./bytes.js";
import type { Engine } from "../engine/engine.js";

export type SafeDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";
const DTYPE_BYTES: Record<SafeDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface SafeEntry {
  name: string;
  dtype: SafeDtype;
  shape: number[];
  begin: number; // absolute byte offset in the file
  end: number;
}

export interface SafeFile {
  bytes: Uint8Array;
  metadata: Record<string, string>;
  entries: Map<string, SafeEntry>;
}

const MAX_HEADER = 100 * 1024 * 1024;

/** A tensor name for messages: quoted, at most 80 characters. */
function nameOf(name: string): string {
  return JSON.stringify(name.length > 80 ? name.slice(0, 80) + "…" : name);
}

/**
 * A header value for messages, bounded and without recursion (a deeply nested value must not overflow the stack, an
 * enormous one must not become an enormous message): short arrays of numbers are shown, anything else described.
 */
function brief(v: unknown): string {
  if (Array.isArray(v) && v.length <= 16 && v.every((d) => typeof d === "number")) return `[${v.join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  return describe(v);
}

export function parseSafetensors(input: Uint8Array | ArrayBuffer, maxElements = Infinity): SafeFile {
  const bytes = input instanceof Uint8Array ? input : input instanceof ArrayBuffer ? new Uint8Array(input) : null;
  if (!bytes) throw new RnnError("BAD_ARGUMENT", "safetensors: expected the file's bytes as a Uint8Array or ArrayBuffer");
  if (bytes.length < 8) throw new RnnError("BAD_MODEL", `safetensors: the file has ${bytes.length} bytes, less than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
  const hlen = hi * 2 ** 32 + lo;
  if (hi !== 0 || hlen > bytes.length - 8) {
    throw new RnnError("BAD_MODEL", `safetensors: header length ${dv.getBigUint64(0, true)} runs past the end of the ${bytes.length}-byte file`);
  }
  if (hlen > MAX_HEADER) {
    throw new RnnError("BAD_MODEL", `safetensors: header length ${hlen} is more than the ${MAX_HEADER} bytes a header may have`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch (e) {
    throw new RnnError("BAD_MODEL", `safetensors: the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new RnnError("BAD_MODEL", "safetensors: the header must be a JSON object");
  }
  const dataStart = 8 + hlen, dataLen = bytes.length - dataStart;
  const entries = new Map<string, SafeEntry>();
  const metadata: Record<string, string> = Object.create(null);
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new RnnError("BAD_MODEL", `safetensors: __metadata__ must be an object of strings, found ${describe(v)}`);
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== "string") throw new RnnError("BAD_MODEL", `safetensors: __metadata__.${k.length > 80 ? k.slice(0, 80) + "…" : k} must be a string, found ${describe(s)}`);
        metadata[k] = s;
      }
      continue;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new RnnError("BAD_MODEL", `safetensors: tensor ${nameOf(name)} must be described by an object { dtype, shape, data_offsets }, found ${describe(v)}`);
    const { dtype, shape, data_offsets: off } = v as { dtype: unknown; shape: unknown; data_offsets: unknown };
    if (typeof dtype !== "string" || !Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype)) {
      throw new RnnError("BAD_MODEL", `safetensors: tensor ${nameOf(name)} has an unknown dtype ${brief(dtype)}; expected one of ${Object.keys(DTYPE_BYTES).join(", ")}`);
    }
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new RnnError("BAD_MODEL", `safetensors: tensor ${nameOf(name)} has shape ${brief(shape)}; expected at most 8 non-negative integer dims`);
    }
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1] || off[1] > dataLen) {
      throw new RnnError("BAD_MODEL", `safetensors: tensor ${nameOf(name)} has data_offsets ${brief(off)}; expected [begin, end] with 0 ≤ begin ≤ end ≤ ${dataLen} (the data bytes)`);
    }
    let n = 1;
    for (const d of shape as number[]) n *= d;
    if (n > maxElements) throw new RnnError("LIMIT_EXCEEDED", `safetensors: tensor ${nameOf(name)} has ${n} elements, more than the engine's limit of ${maxElements}`);
    const size = n * DTYPE_BYTES[dtype as SafeDtype];
    if (off[1] - off[0] !== size) {
      throw new RnnError("BAD_MODEL", `safetensors: tensor ${nameOf(name)} of shape [${(shape as number[]).join(", ")}] ${dtype} needs ${size} bytes but its data_offsets span ${off[1] - off[0]}`);
    }
    entries.set(name, { name, dtype: dtype as SafeDtype, shape: shape as number[], begin: dataStart + off[0], end: dataStart + off[1] });
  }
  const sorted = [...entries.values()].filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) {
      throw new RnnError("BAD_MODEL", `safetensors: tensors ${nameOf(sorted[i - 1].name)} and ${nameOf(sorted[i].name)} overlap`);
    }
  }
  return { bytes, metadata, entries };
}

/**
 * Reads a floating tensor as Float32Array (F64 rounded; F16/BF16 widened exactly, by the engine's kernel when one
 * is given: the loops below run in V8's interpreter on a first load).
 */
export function readFloat(f: SafeFile, e: SafeEntry, engine?: Engine): Float32Array {
  const n = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
  if (engine && (e.dtype === "F16" || e.dtype === "BF16")) return engine.widen(f.bytes.subarray(e.begin, e.end), e.dtype === "F16" ? "f16" : "bf16", n);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset + e.begin, e.end - e.begin);
  const out = new Float32Array(n);
  switch (e.dtype) {
    case "F32":
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(f.bytes.subarray(e.begin, e.end)); // one copy of the bytes
      else for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      break;
    case "F64": for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true); break;
    case "F16": for (let i = 0; i < n; i++) out[i] = f16ToNumber(dv.getUint16(i * 2, true)); break;
    case "BF16": {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = dv.getUint16(i * 2, true) << 16;
      break;
    }
    default:
      throw new RnnError("UNSUPPORTED_OP", `safetensors: tensor ${nameOf(e.name)} has dtype ${e.dtype}; expected a floating type (F32, F16, BF16, F64)`);
  }
  return out;
}

/** Reads an integer tensor as Int32Array (I64 values must fit in 32 bits). */
export function readInt(f: SafeFile, e: SafeEntry): Int32Array {
  const n = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset + e.begin, e.end - e.begin);
  const out = new Int32Array(n);
  switch (e.dtype) {
    case "I32": for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, true); break;
    case "I64": for (let i = 0; i < n; i++) {
      const v = dv.getBigInt64(i * 8, true);
      if (v > 2147483647n || v < -2147483648n) throw new RnnError("UNSUPPORTED_OP", `safetensors: tensor ${nameOf(e.name)} holds ${v}, beyond 32 bits`);
      out[i] = Number(v);
    } break;
    case "I16": for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, true); break;
    case "I8": for (let i = 0; i < n; i++) out[i] = dv.getInt8(i); break;
    case "U8": case "BOOL": for (let i = 0; i < n; i++) out[i] = dv.getUint8(i); break;
    default:
      throw new RnnError("UNSUPPORTED_OP", `safetensors: tensor ${nameOf(e.name)} has dtype ${e.dtype}; expected an integer type`);
  }
  return out;
}
