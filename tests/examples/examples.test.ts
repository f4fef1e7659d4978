// Every example runs as a user would run it, so none of them rots: Node scripts resolve "rnn-wasm" through the
// repository's package.json exports, the Deno script through its deno.json import map; outputs are checked
// against PyTorch / TF.js / onnxruntime numbers from the fixtures.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

const root = join(__dirname, "..", "..");
const golden = JSON.parse(readFileSync(join(root, "tests/io/model/golden.json"), "utf8"));
const typedSpam = (golden.typed as { text: string; spam: number }[])[3];
const typedHam = (golden.typed as { text: string; spam: number }[])[2];

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
const node = (...args: string[]) => run(process.execPath, args);

describe("examples", () => {
  it("node/classify.mjs labels texts as PyTorch does", () => {
    const r = node("examples/node/classify.mjs", typedHam.text, typedSpam.text);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^ham +P\\(spam\\)=${typedHam.spam.toFixed(3)}`));
    expect(lines[1]).toMatch(new RegExp(`^spam +P\\(spam\\)=${typedSpam.spam.toFixed(3)}`));
  });

  it("deno/classify.ts runs in Deno with the import map", () => {
    const r = run(join(root, "node_modules/.bin/deno"), ["run", "--quiet", "--no-prompt", "--allow-read=.", "--config", "examples/deno/deno.json", "examples/deno/classify.ts", typedSpam.text]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.label).toBe(typedSpam.spam > 0.5 ? "spam" : "ham");
    expect(Math.abs(out.spam - typedSpam.spam)).toBeLessThan(1e-4 + 1e-3 * typedSpam.spam);
  });

  it("torch/run.mjs runs a PyTorch state_dict, whole and streamed", () => {
    const r = node("examples/torch/run.mjs");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/output \[6,2,5\] h \[1,2,5\]/);
    expect(r.stdout).toMatch(/streamed h: (-?\d\.\d{4} ){4}-?\d\.\d{4}/);
  });

  it("keras/predict.mjs gives TF.js's output", () => {
    const io = JSON.parse(readFileSync(join(root, "tests/fixtures/keras/bidir_concat_gru_last.io.json"), "utf8"));
    const r = node("examples/keras/predict.mjs");
    expect(r.code, r.stderr).toBe(0);
    const want = (io.expected.data as number[]).slice(0, 6).map((v) => v.toFixed(4)).join(" ");
    expect(r.stdout).toContain(`output [${io.expected.dims.join(",")}]: ${want}`);
  });

  it("onnx/run.mjs gives onnxruntime's output", () => {
    expect("loadOnnx" in api).toBe(true);
    const io = JSON.parse(readFileSync(join(root, "tests/fixtures/onnx/torch/gru_2layer_nobias.json"), "utf8"));
    const r = node("examples/onnx/run.mjs");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/inputs: x, h0 +outputs: y, h/);
    const want = (io.ort.y.data as number[]).slice(0, 4).map((v) => v.toFixed(4)).join(" ");
    expect(r.stdout).toContain(`y [${io.ort.y.dims.join(",")}]: ${want}`);
  });
});
