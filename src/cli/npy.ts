// NumPy .npy files (format versions 1–3, C order): float32, int32 and int64 read (float64 is narrowed to float32),
// float32 / int32 / int64 written. Malformed files are BAD_ARGUMENT naming the file.

import type { Tensor } from "../api.js";
import { RnnError } from "../errors.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses .npy bytes; `name` is used in error messages (e.g. the file path). */
export function readNpy(bytes: Uint8Array, name: string): Tensor {
  const fail = (what: string) => new RnnError("BAD_ARGUMENT", `${name}: not a usable .npy file: ${what}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail("it does not start with the \\x93NUMPY magic");
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let hlen: number, hstart: number;
  if (major === 1) { hlen = dv.getUint16(8, true); hstart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw fail("the header is truncated");
    hlen = dv.getUint32(8, true); hstart = 12;
  } else throw fail(`format version ${major}, expected 1, 2 or 3`);
  if (hstart + hlen > bytes.length) throw fail(`the header (${hlen} bytes) runs past the end of the ${bytes.length}-byte file`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(hstart, hstart + hlen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw fail(`the header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  if (fortran === "True") throw fail("fortran_order is True; save it C-ordered (np.ascontiguousarray)");
  const dims = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw fail(`shape (${shapeText}) is not a tuple of non-negative integers`);
  const n = dims.reduce((a, b) => a * b, 1);
  const kinds: Record<string, [number, "f32" | "f64" | "i32" | "i64"]> = {
    "<f4": [4, "f32"], "<f8": [8, "f64"], "<i4": [4, "i32"], "<i8": [8, "i64"], "|u1": [1, "i32"], "|i1": [1, "i32"], "|b1": [1, "i32"],
  };
  const kind = kinds[descr];
  if (!kind) throw fail(`dtype ${descr}, expected float32 (<f4), int32 (<i4) or int64 (<i8)`);
  const [size, k] = kind;
  const start = hstart + hlen;
  if (bytes.length - start !== n * size) throw fail(`shape (${dims.join(", ")}) of ${descr} needs ${n * size} data bytes, found ${bytes.length - start}`);
  const body = new DataView(bytes.buffer, bytes.byteOffset + start, n * size);
  if (k === "f32") { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = body.getFloat32(i * 4, true); return { data: a, dims }; }
  if (k === "f64") { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = body.getFloat64(i * 8, true); return { data: a, dims }; }
  if (k === "i64") { const a = new BigInt64Array(n); for (let i = 0; i < n; i++) a[i] = body.getBigInt64(i * 8, true); return { data: a, dims }; }
  const a = new Int32Array(n);
  if (size === 4) for (let i = 0; i < n; i++) a[i] = body.getInt32(i * 4, true);
  else if (descr === "|i1") for (let i = 0; i < n; i++) a[i] = body.getInt8(i);
  else for (let i = 0; i < n; i++) a[i] = body.getUint8(i);
  return { data: a, dims };
}

/** Serialises a tensor as a version-1 .npy (float32 <f4, int32 <i4, int64 <i8; C order). */
export function writeNpy(t: Tensor): Uint8Array {
  const descr = t.data instanceof Float32Array ? "<f4" : t.data instanceof Int32Array ? "<i4" : "<i8";
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** Parses a JSON tensor file {"dims": [...], "data": [...], "dtype"?: "float32" | "int32" | "int64"}. */
export function readJsonTensor(text: string, name: string): Tensor {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { throw new RnnError("BAD_ARGUMENT", `${name}: not valid JSON (${(e as Error).message})`); }
  const o = v as { dims?: unknown; data?: unknown; dtype?: unknown };
  if (!o || typeof o !== "object" || !Array.isArray(o.dims) || !Array.isArray(o.data)) {
    throw new RnnError("BAD_ARGUMENT", `${name}: expected {"dims": [...], "data": [...]}`);
  }
  const dims = o.dims as unknown[];
  if (!dims.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) throw new RnnError("BAD_ARGUMENT", `${name}: dims must be non-negative integers, found ${JSON.stringify(dims)}`);
  const data = o.data as unknown[];
  if (!data.every((d) => typeof d === "number")) throw new RnnError("BAD_ARGUMENT", `${name}: data must hold numbers only`);
  const n = (dims as number[]).reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new RnnError("BAD_ARGUMENT", `${name}: dims [${dims.join(", ")}] hold ${n} values but data has ${data.length}`);
  const dtype = o.dtype ?? "float32";
  if (dtype === "float32") return { data: Float32Array.from(data as number[]), dims: dims as number[] };
  if (dtype === "int32") return { data: Int32Array.from(data as number[]), dims: dims as number[] };
  if (dtype === "int64") return { data: BigInt64Array.from((data as number[]).map((x) => BigInt(Math.trunc(x)))), dims: dims as number[] };
  throw new RnnError("BAD_ARGUMENT", `${name}: dtype must be "float32", "int32" or "int64", found ${JSON.stringify(dtype)}`);
}
