// float16 and bfloat16 initializers (raw_data): with an engine, tensorFromProto widens them by the engine's kernel
// (Engine.widen); without one, by its JavaScript loop. Every bit pattern, both ways, every build: the same values.
import { describe, expect, it } from "vitest";
import { tensorFromProto } from "../../../src/io/onnx/loader.js";
import { BUILDS, engineFor, sameBits } from "../../helpers.js";

const all16 = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer);
const proto = (dt: number, raw: Uint8Array, n: number) => ({
  name: "w", data_type: dt, dims: [n], raw_data: raw, data_location: 0,
  float_data: [], int32_data: [], int64_data: [], double_data: [],
}) as unknown as Parameters<typeof tensorFromProto>[0];

describe("ONNX float16 / bfloat16 initializers", () => {
  for (const b of BUILDS) {
    it(`the engine's kernel gives the JavaScript loop's values, ${b} build`, async () => {
      const e = await engineFor(b);
      for (const dt of [10, 16]) {
        const js = tensorFromProto(proto(dt, all16, 65536), "w");
        const wasm = tensorFromProto(proto(dt, all16, 65536), "w", e);
        expect(wasm.type).toBe("float32");
        expect(wasm.dims).toEqual([65536]);
        expect(sameBits(wasm.data as Float32Array, js.data as Float32Array), `data_type ${dt}`).toBeNull();
      }
      // the engine's element limit still applies
      const small = await import("../../../src/engine/engine.js").then((m) => m.Engine.create({ build: b, limits: { maxElements: 1000 } }));
      expect(() => tensorFromProto(proto(10, all16, 65536), "w", small)).toThrow(/LIMIT_EXCEEDED/);
    });
  }
});
