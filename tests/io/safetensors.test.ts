// loadTorch on malformed and inconsistent files: every one is an RnnError (BAD_MODEL unless said otherwise).
import { describe, expect, it } from "vitest";
import { loadTorch } from "../../src/io/torch.js";
import { parseSafetensors, readFloat } from "../../src/io/safetensors.js";
import { RnnError } from "../../src/errors.js";
import { engineFor, randF32, rng } from "../helpers.js";

type T = { dtype: string; shape: number[]; data: Uint8Array };
/** Writes a safetensors file; `edit` may change the header object before it is serialised. */
function write(tensors: Record<string, T>, edit?: (h: Record<string, any>) => void, headerPad = true): Uint8Array {
  const header: Record<string, any> = {};
  let off = 0;
  for (const [k, t] of Object.entries(tensors)) { header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.data.length] }; off += t.data.length; }
  edit?.(header);
  let json = JSON.stringify(header);
  if (headerPad) while (json.length % 8) json += " ";
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + off);
  new DataView(out.buffer).setUint32(0, hb.length, true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const t of Object.values(tensors)) { out.set(t.data, p); p += t.data.length; }
  return out;
}
const f32 = (a: Float32Array) => new Uint8Array(a.buffer.slice(0));

function gruDict(H = 3, I = 2): Record<string, T> {
  const r = rng(1);
  return {
    weight_ih_l0: { dtype: "F32", shape: [3 * H, I], data: f32(randF32(r, 3 * H * I)) },
    weight_hh_l0: { dtype: "F32", shape: [3 * H, H], data: f32(randF32(r, 3 * H * H)) },
    bias_ih_l0: { dtype: "F32", shape: [3 * H], data: f32(randF32(r, 3 * H)) },
    bias_hh_l0: { dtype: "F32", shape: [3 * H], data: f32(randF32(r, 3 * H)) },
  };
}

async function code(bytes: Uint8Array, opts = {}): Promise<string> {
  const engine = await engineFor("simd");
  try { await loadTorch(bytes, { engine, ...opts }); } catch (e) { expect(e).toBeInstanceOf(RnnError); return (e as RnnError).code; }
  return "loaded";
}

describe("safetensors / loadTorch validation", () => {
  it("a valid file loads", async () => {
    expect(await code(write(gruDict()))).toBe("loaded");
  });
  it("truncated and empty files", async () => {
    const ok = write(gruDict());
    expect(await code(new Uint8Array(0))).toBe("BAD_MODEL");
    expect(await code(ok.subarray(0, 5))).toBe("BAD_MODEL");
    expect(await code(ok.subarray(0, 40))).toBe("BAD_MODEL");
    expect(await code(ok.subarray(0, ok.length - 4))).toBe("BAD_MODEL");
  });
  it("header length past the end, or not JSON", async () => {
    const ok = write(gruDict());
    const big = ok.slice(); new DataView(big.buffer).setUint32(0, ok.length, true);
    expect(await code(big)).toBe("BAD_MODEL");
    const huge = ok.slice(); new DataView(huge.buffer).setUint32(4, 1, true);
    expect(await code(huge)).toBe("BAD_MODEL");
    const junk = ok.slice(); junk[9] = 0xff;
    expect(await code(junk)).toBe("BAD_MODEL");
    expect(await code(write(gruDict(), (h) => { for (const k of Object.keys(h)) delete h[k]; h.x = [1, 2]; }))).toBe("BAD_MODEL");
  });
  it("offsets out of range, overlapping, or disagreeing with the shape", async () => {
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.data_offsets = [0, 1 << 20]; }))).toBe("BAD_MODEL");
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.data_offsets = h.bias_ih_l0.data_offsets; }))).toBe("BAD_MODEL");
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.data_offsets = [-4, 32]; }))).toBe("BAD_MODEL");
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.shape = [10]; }))).toBe("BAD_MODEL");
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.shape = [-9]; }))).toBe("BAD_MODEL");
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.shape = [1e12, 1e12]; }))).toMatch(/BAD_MODEL|LIMIT_EXCEEDED/);
  });
  it("unknown dtype, integer weights", async () => {
    expect(await code(write(gruDict(), (h) => { h.bias_hh_l0.dtype = "F128"; }))).toBe("BAD_MODEL");
    const d = gruDict(); d.bias_hh_l0.dtype = "I32";
    expect(await code(write(d))).toBe("UNSUPPORTED_OP");
  });
  it("missing or mis-shaped tensors", async () => {
    const d = gruDict(); delete (d as Partial<typeof d>).bias_hh_l0;
    expect(await code(write(d))).toBe("BAD_MODEL");
    const e = gruDict(); e.weight_hh_l0.shape = [9, 2]; e.weight_hh_l0.data = e.weight_hh_l0.data.slice(0, 72);
    expect(await code(write(e))).toBe("BAD_MODEL");
    const g = gruDict(); g.weight_ih_l0.shape = [8, 2]; g.weight_ih_l0.data = g.weight_ih_l0.data.slice(0, 64);
    expect(await code(write(g))).toBe("BAD_MODEL");
    expect(await code(write({ other: gruDict().bias_ih_l0 }))).toBe("BAD_MODEL");
    // a second layer with only some of its tensors
    const l2 = { ...gruDict(), weight_ih_l1: { dtype: "F32", shape: [9, 3], data: f32(new Float32Array(27)) } };
    expect(await code(write(l2))).toBe("BAD_MODEL");
  });
  it("a header cannot set prototypes", () => {
    const json = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"constructor":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"__metadata__":{"__proto__":"x"}}';
    const hb = new TextEncoder().encode(json);
    const bytes = new Uint8Array(8 + hb.length + 8);
    new DataView(bytes.buffer).setUint32(0, hb.length, true);
    bytes.set(hb, 8);
    const f = parseSafetensors(bytes);
    expect([...f.entries.keys()].sort()).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(f.metadata)).toBeNull();
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "dtype")).toBe(false);
  });
  it("F16 and BF16 are widened exactly", () => {
    // 1.0, -2.5, 65504 (max f16), 2^-24 (min subnormal), inf, nan
    const h = new Uint16Array([0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00, 0x7e00]);
    const bf = new Uint16Array([0x3f80, 0xc020, 0x7f7f, 0x0001]);
    const file = parseSafetensors(write({ a: { dtype: "F16", shape: [6], data: new Uint8Array(h.buffer) }, b: { dtype: "BF16", shape: [4], data: new Uint8Array(bf.buffer) } }));
    const a = readFloat(file, file.entries.get("a")!);
    expect(Array.from(a.subarray(0, 5))).toEqual([1, -2.5, 65504, 2 ** -24, Infinity]);
    expect(Number.isNaN(a[5])).toBe(true);
    const b = readFloat(file, file.entries.get("b")!);
    expect(Array.from(b.subarray(0, 2))).toEqual([1, -2.5]);
    expect(b[2]).toBe(new Float32Array(new Uint32Array([0x7f7f0000]).buffer)[0]);
  });
});
