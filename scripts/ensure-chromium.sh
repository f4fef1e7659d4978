#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium for the browser tests (tests/runtimes/browser.test.ts), which
# drive it headless through playwright-core: no browser is ever downloaded. Instant when it is present; otherwise
# installs it with apt-get (CI runs as root; elsewhere sudo is used when available).
#   bash scripts/ensure-chromium.sh
set -euo pipefail

CHROMIUM=/usr/bin/chromium

works() { [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; }

if works; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM is missing and installing it needs root: run 'apt-get update && apt-get install -y chromium' as root" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium (apt-get)" >&2
# apt may be busy (another install in progress): wait for its lock rather than fail.
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y chromium

if ! works; then
  echo "ensure-chromium: $CHROMIUM still does not run after the install" >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null)" >&2
