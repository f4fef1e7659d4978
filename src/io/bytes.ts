// Byte order, for the loaders that copy little-endian float32 data as bytes (one copy instead of a read per element).

/** Whether this platform stores numbers little-endian, as ONNX, safetensors and TF.js weight files do. */
export const LITTLE_ENDIAN = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();
