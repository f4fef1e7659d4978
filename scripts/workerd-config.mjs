// What the workerd runtime test (tests/runtimes/workerd.test.ts) and its benchmark (bench/workerd.mjs) both need to
// serve a worker from npm's workerd: a free local port and the service configuration (Cap'n Proto text) for one ES
// module worker, `worker.js`, with each build as a Wasm module import `<build>.wasm` (workerd refuses to compile
// WebAssembly from bytes).
import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** config.capnp: worker.js on 127.0.0.1:port, the given builds beside it as `<build>.wasm` modules. */
export function workerdConfig(port, builds) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
${builds.map((b) => `    (name = "${b}.wasm", wasm = embed "${b}.wasm"),`).join("\n")}
  ],
  compatibilityDate = "2024-09-23",
);
`;
}
