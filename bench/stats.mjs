// The benchmarks' pure helpers, with no runtime imports (they also run in the browser benchmark page): seeded
// inputs, robust statistics, number formatting, Markdown tables.

export function now() { return performance.now(); }

/** mulberry32 → n seeded float32 values uniform in (-a, a): the benchmarks' weights and inputs. */
export function uniformF32(seed, n, a = 1) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * a;
  }
  return out;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Spread of samples: (max − min) / median, as a percentage (a rough noise figure). */
export function spread(xs) {
  const m = median(xs);
  return ((Math.max(...xs) - Math.min(...xs)) / m) * 100;
}

/** Markdown table from a header row and rows. */
export function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export function fmt(x, digits = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return "—";
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toPrecision(digits);
}
