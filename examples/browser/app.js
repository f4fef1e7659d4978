// The browser demo: loads the bundled model with the built dist/ (no bundler) and redraws as you type.
import { loadModel, init } from "../../dist/index.js";

const $ = (id) => document.getElementById(id);
const status = $("status");

/** Diverging colour for v in [-1, 1]: blue, white, red. */
function diverging(v) {
  const t = Math.max(-1, Math.min(1, v));
  const a = Math.abs(t);
  const [r, g, b] = t < 0 ? [47, 111, 208] : [208, 64, 47];
  return [Math.round(255 + (r - 255) * a), Math.round(255 + (g - 255) * a), Math.round(255 + (b - 255) * a)];
}
const css = ([r, g, b], alpha = 1) => `rgba(${r},${g},${b},${alpha})`;

function drawScore(canvas, spam, T) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pad = 26;
  ctx.clearRect(0, 0, W, H);
  ctx.font = "11px system-ui"; ctx.fillStyle = "#66707c"; ctx.strokeStyle = "#e3e7eb";
  for (const y of [0, 0.5, 1]) {
    const py = pad / 2 + (1 - y) * (H - pad);
    ctx.beginPath(); ctx.moveTo(pad, py); ctx.lineTo(W - 4, py); ctx.stroke();
    ctx.fillText(y.toFixed(1), 2, py + 4);
  }
  if (T === 0) return;
  const x = (t) => pad + ((t + 0.5) / T) * (W - pad - 4), y = (p) => pad / 2 + (1 - p) * (H - pad);
  for (let t = 0; t < T; t++) {            // coloured bars under the curve
    ctx.fillStyle = css(diverging(spam[t] * 2 - 1), 0.35);
    ctx.fillRect(x(t) - (W - pad) / T / 2, y(spam[t]), Math.max(1, (W - pad) / T), H - pad / 2 - y(spam[t]));
  }
  ctx.beginPath(); ctx.lineWidth = 2; ctx.strokeStyle = "#1d232b";
  for (let t = 0; t < T; t++) (t ? ctx.lineTo : ctx.moveTo).call(ctx, x(t), y(spam[t]));
  ctx.stroke(); ctx.lineWidth = 1;
  ctx.fillStyle = "#66707c"; ctx.fillText(`byte ${T}`, W - 60, H - 2); ctx.fillText("P(spam) per step", pad + 4, 10);
}

function drawHeat(canvas, hidden, T, U) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  if (T === 0) return;
  const img = ctx.createImageData(W, H);
  for (let px = 0; px < W; px++) {
    const t = Math.min(T - 1, Math.floor((px / W) * T));
    for (let py = 0; py < H; py++) {
      const u = Math.min(U - 1, Math.floor((py / H) * U));
      const [r, g, b] = diverging(hidden[t * U + u]);
      const i = (py * W + px) * 4;
      img.data[i] = r; img.data[i + 1] = g; img.data[i + 2] = b; img.data[i + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  ctx.strokeStyle = "#1d232b"; ctx.beginPath(); ctx.moveTo(0, H / 2); ctx.lineTo(W, H / 2); ctx.stroke();
}

/** Characters of text tinted by the mean per-step score of their UTF-8 bytes (bytes past T are grey). */
function tint(el, text, spam, T) {
  el.replaceChildren();
  const enc = new TextEncoder();
  let byte = 0;
  for (const ch of text) {
    const n = enc.encode(ch).length;
    const span = document.createElement("span");
    span.textContent = ch;
    if (byte < T) {
      let s = 0, k = 0;
      for (let b = byte; b < Math.min(T, byte + n); b++) { s += spam[b]; k++; }
      span.style.background = css(diverging((s / k) * 2 - 1), 0.55);
    } else span.style.color = "#b0b6bd";
    el.appendChild(span);
    byte += n;
  }
}

async function main() {
  const info = await init();
  const t0 = performance.now();
  const bytes = new Uint8Array(await (await fetch("../../models/spam-bigru.safetensors")).arrayBuffer());
  const model = await loadModel(bytes);
  const loadMs = performance.now() - t0;
  const examples = (await (await fetch("../../models/spam-examples.json")).json()).examples;
  const select = $("example");
  examples.slice(0, 40).forEach((e, i) => {
    const o = document.createElement("option");
    o.value = String(i);
    o.textContent = `[${e.label}] ${e.text.replace(/^Subject: ?/, "").split("\n")[0].slice(0, 80)}`;
    select.appendChild(o);
  });
  status.textContent = `ready: ${info.build} build, model ${(bytes.length / 1024).toFixed(0)} KB loaded in ${loadMs.toFixed(0)} ms`;
  status.dataset.ready = "1";

  const text = $("text"), verdict = $("verdict");
  let pending = false;
  function classify() {
    pending = false;
    const s = performance.now();
    const r = model.predict(text.value, { steps: true });
    const ms = performance.now() - s;
    const p = r.output.data[1], T = r.lengths[0];
    const U = r.steps.hidden.dims[2];
    const spam = new Float32Array(T);
    for (let t = 0; t < T; t++) spam[t] = r.steps.output.data[t * 2 + 1];
    const label = r.labels[0];
    verdict.textContent = `${label === "spam" ? "SPAM" : "HAM"} · ${(p * 100).toFixed(1)}%`;
    verdict.className = `verdict-box ${label}`;
    verdict.dataset.label = label;
    verdict.dataset.p = String(p);
    $("meter-fill").style.left = `calc(${(p * 100).toFixed(2)}% - 2px)`;
    $("timing").textContent = `P(spam) = ${p.toFixed(3)} · ${T} bytes read${T === 512 ? " (the model reads the first 512)" : ""} · ${ms.toFixed(1)} ms`;
    tint($("tinted"), text.value, spam, T);
    drawScore($("score"), spam, T);
    drawHeat($("heat"), r.steps.hidden.data, T, U);
  }
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(classify); } };
  text.addEventListener("input", schedule);
  select.addEventListener("change", () => { if (select.value !== "") { text.value = examples[Number(select.value)].text; schedule(); } });
  classify();
}

main().catch((e) => { status.textContent = `failed: ${e.message}`; status.dataset.error = e.message; console.error(e); });
