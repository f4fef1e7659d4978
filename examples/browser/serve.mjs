// Serves the repository as static files for the browser examples: node examples/browser/serve.mjs [PORT]
// then open http://localhost:PORT/examples/browser/ (the demo) or /examples/worker/ (the Web Worker example).
// Needs a built dist/ (npm run build). Only files under the repository are served; nothing else is read.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8", ".wasm": "application/wasm",
  ".png": "image/png", ".svg": "image/svg+xml",
};

export function serve(port = 8080, host = "127.0.0.1") {
  const server = createServer(async (req, res) => {
    try {
      let path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      if (path === "/") path = "/examples/browser/";
      const file = normalize(join(root, path));
      if (!file.startsWith(root) || file.split(sep).includes("node_modules")) throw Object.assign(new Error("forbidden"), { code: "EACCES" });
      const target = (await stat(file)).isDirectory() ? join(file, "index.html") : file;
      const body = await readFile(target);
      res.writeHead(200, { "content-type": TYPES[extname(target)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === "EACCES" ? 403 : 404, { "content-type": "text/plain" });
      res.end(e.code === "EACCES" ? "forbidden\n" : "not found\n");
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const server = await serve(port);
  const { port: p } = server.address();
  console.log(`rnn-wasm examples: http://localhost:${p}/examples/browser/  (worker: /examples/worker/)  Ctrl-C to stop`);
}
