// Reading a TensorFlow.js layers model: model.json into prototype-free data, and the weight bytes through the
// weightsManifest (float32, int32, and tfjs's quantized forms: uint8 / uint16 with scale and min, float16).

import type { Engine } from "../../engine/engine.js";
import { RnnError, describe } from "../../errors.js";
import { LITTLE_ENDIAN } from "../bytes.js";

/** A JSON object copied into a prototype-free map (model.json can never set __proto__ or reach Object.prototype). */
export type JsonMap = { [key: string]: Json };
export type Json = null | boolean | number | string | Json[] | JsonMap;

/** A list for a message: its first `max` items, then "…" and the count when there are more. */
export function listText(items: readonly (number | string)[], max = 8): string {
  const head = items.slice(0, max).map((v) => (typeof v === "string" && v.length > 40 ? v.slice(0, 40) + "…" : String(v)));
  return `[${head.join(", ")}${items.length > max ? `, … (${items.length} in all)` : ""}]`;
}

/** Free text (a path, another library's message) cut to `max` characters for a message. */
export function clipText(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max >> 1)}…${s.slice(s.length - (max >> 1))}` : s;
}

const FORBIDDEN_KEYS = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
const MAX_DEPTH = 100;

/**
 * model.json as data: a string is parsed with JSON.parse, an object is copied. Either way every object becomes an
 * Object.create(null) map without the keys __proto__, constructor and prototype; non-JSON values are BAD_MODEL.
 */
export function readModelJson(modelJson: unknown): JsonMap {
  let raw: unknown = modelJson;
  if (typeof modelJson === "string") {
    try {
      raw = JSON.parse(modelJson);
    } catch (e) {
      throw new RnnError("BAD_MODEL", `model.json: not valid JSON (${clipText(String((e as Error).message))})`);
    }
  } else if (modelJson === null || typeof modelJson !== "object" || Array.isArray(modelJson)) {
    throw new RnnError("BAD_ARGUMENT", `modelJson: expected the model.json text or its parsed object, found ${describe(modelJson)}`);
  }
  const v = clean(raw, 0, "model.json");
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new RnnError("BAD_MODEL", `model.json: expected an object at the top level, found ${describe(v)}`);
  return v;
}

function clean(v: unknown, depth: number, where: string): Json {
  if (depth > MAX_DEPTH) throw new RnnError("BAD_MODEL", `${clipText(where)}: nested deeper than ${MAX_DEPTH} levels`);
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.map((x, i) => clean(x, depth + 1, `${where}[${i}]`));
  if (typeof v === "object") {
    const out: JsonMap = Object.create(null);
    for (const k of Object.keys(v as object)) {
      if (FORBIDDEN_KEYS.has(k)) continue;
      out[k] = clean((v as Record<string, unknown>)[k], depth + 1, `${where}.${k}`);
    }
    return out;
  }
  throw new RnnError("BAD_MODEL", `${clipText(where)}: ${typeof v} is not a JSON value`);
}

export function isMap(v: Json | undefined): v is JsonMap {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}

/** One weight of the manifest, decoded to float32. */
export interface KerasWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

const BYTES_OF: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/**
 * Decodes every weight of the manifest (groups in order, weights in order) from the concatenated bytes. The bytes
 * must be exactly what the manifest describes.
 */
export function readWeights(model: JsonMap, bytesIn: Uint8Array | ArrayBuffer, engine: Engine): Map<string, KerasWeight> {
  let bytes: Uint8Array;
  if (bytesIn instanceof Uint8Array) bytes = bytesIn;
  else if (bytesIn instanceof ArrayBuffer) bytes = new Uint8Array(bytesIn);
  else throw new RnnError("BAD_ARGUMENT", `weights: expected a Uint8Array or ArrayBuffer, found ${describe(bytesIn)}`);
  const specs: { spec: JsonMap; where: string }[] = [];
  const manifest = model.weightsManifest;
  if (manifest !== undefined) {
    if (!Array.isArray(manifest)) throw new RnnError("BAD_MODEL", `model.json weightsManifest: expected an array of groups, found ${describe(manifest)}`);
    manifest.forEach((g, gi) => {
      if (!isMap(g) || !Array.isArray(g.weights)) throw new RnnError("BAD_MODEL", `model.json weightsManifest[${gi}]: expected a group { paths, weights: [...] }, found ${describe(g)}`);
      g.weights.forEach((w, wi) => {
        if (!isMap(w)) throw new RnnError("BAD_MODEL", `model.json weightsManifest[${gi}].weights[${wi}]: expected an object, found ${describe(w)}`);
        specs.push({ spec: w, where: `weightsManifest[${gi}].weights[${wi}]` });
      });
    });
  } else if (Array.isArray(model.weightSpecs)) {
    // the in-memory artifacts form (tf.io.withSaveHandler): weightSpecs + one weightData buffer
    model.weightSpecs.forEach((w, wi) => {
      if (!isMap(w)) throw new RnnError("BAD_MODEL", `model.json weightSpecs[${wi}]: expected an object, found ${describe(w)}`);
      specs.push({ spec: w, where: `weightSpecs[${wi}]` });
    });
  } else {
    throw new RnnError("BAD_MODEL", "model.json: no weightsManifest (the list of weight groups and their shapes)");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, KerasWeight>();
  let off = 0;
  for (const { spec, where } of specs) {
    const name = spec.name, shape = spec.shape, dtype = spec.dtype ?? "float32";
    if (typeof name !== "string") throw new RnnError("BAD_MODEL", `model.json ${where}.name: expected a string, found ${describe(name)}`);
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
      throw new RnnError("BAD_MODEL", `model.json ${where} (${describe(name)}).shape: expected an array of non-negative integers, found ${describe(shape)}`);
    }
    const dims = shape as number[];
    let n = 1;
    for (const d of dims) n *= d;
    engine.checkElements(n, `weight ${describe(name)}`);
    if (dtype !== "float32" && dtype !== "int32") {
      throw new RnnError("UNSUPPORTED_OP", `model.json ${where} (${describe(name)}): dtype ${describe(dtype)} is not supported (float32, int32)`);
    }
    const q = spec.quantization;
    let stored: string = dtype;
    let scale = 1, min = 0;
    if (q !== undefined && q !== null) {
      if (!isMap(q) || typeof q.dtype !== "string") throw new RnnError("BAD_MODEL", `model.json ${where} (${describe(name)}).quantization: expected { dtype, scale, min }, found ${describe(q)}`);
      stored = q.dtype;
      if (stored === "uint8" || stored === "uint16") {
        if (typeof q.scale !== "number" || typeof q.min !== "number") {
          throw new RnnError("BAD_MODEL", `model.json ${where} (${describe(name)}).quantization: ${stored} needs numeric scale and min, found ${describe(q.scale)} and ${describe(q.min)}`);
        }
        scale = q.scale;
        min = q.min;
      } else if (stored !== "float16") {
        throw new RnnError("UNSUPPORTED_OP", `model.json ${where} (${describe(name)}).quantization.dtype: ${describe(stored)} is not supported (uint8, uint16, float16)`);
      }
    }
    const size = n * BYTES_OF[stored];
    if (off + size > bytes.byteLength) {
      throw new RnnError("BAD_MODEL", `weights: ${describe(name)} (${where}, ${listText(dims)} ${stored}) needs bytes ${off}..${off + size}, but only ${bytes.byteLength} bytes were given`);
    }
    // quantized and half weights: widened by the engine's kernel (v·scale + min rounded once, f16 exactly)
    const wide = stored === "uint8" ? "u8" : stored === "uint16" ? "u16" : stored === "float16" ? "f16" : null;
    const data = wide ? engine.widen(bytes.subarray(off, off + size), wide, n, scale, min) : new Float32Array(n);
    if (!wide) switch (stored) {
      case "float32":
        if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes.subarray(off, off + size)); // one copy of the bytes
        else for (let i = 0; i < n; i++) data[i] = dv.getFloat32(off + 4 * i, true);
        break;
      case "int32": for (let i = 0; i < n; i++) data[i] = dv.getInt32(off + 4 * i, true); break;
    }
    off += size;
    if (out.has(name)) throw new RnnError("BAD_MODEL", `model.json ${where}: the weight name ${describe(name)} appears twice`);
    out.set(name, { name, shape: dims, data });
  }
  if (off !== bytes.byteLength) {
    throw new RnnError("BAD_MODEL", `weights: the manifest describes ${off} bytes, but ${bytes.byteLength} bytes were given`);
  }
  return out;
}
