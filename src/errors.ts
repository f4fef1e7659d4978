/** The stable error codes of rnn-wasm (see README "Errors"). */
export type RnnErrorCode =
  | "SHAPE_MISMATCH"
  | "BAD_ARGUMENT"
  | "BAD_MODEL"
  | "UNSUPPORTED_OP"
  | "LIMIT_EXCEEDED"
  | "OUT_OF_MEMORY"
  | "DISPOSED"
  | "NO_WASM";

/**
 * Every failure the library detects is an RnnError with a stable `code` and a message that names the argument or
 * model part, what was expected and what was found.
 */
export class RnnError extends Error {
  readonly code: RnnErrorCode;
  constructor(code: RnnErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "RnnError";
    this.code = code;
  }
}

/** Throws RnnError(code, message) unless cond holds. */
export function check(cond: unknown, code: RnnErrorCode, message: string | (() => string)): asserts cond {
  if (!cond) throw new RnnError(code, typeof message === "function" ? message() : message);
}

/** A short, safe description of any value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as { length: number }).length}`;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "object") return "an object";
  return typeof v;
}
