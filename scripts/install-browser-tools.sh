#!/usr/bin/env bash
# What the browser tests (tests/browser) need besides Python packages, installed only when
# missing and silent when present (`make install` runs it):
#   - Debian's Chromium (Playwright's own browser download is not reachable here; Playwright
#     drives the system's browser through `executable_path`);
#   - axe-core from the npm registry, pinned in tests/browser/package-lock.json (`npm ci`
#     when node_modules lacks it or the lock changed since the last install).
# apt-get runs as root (CI does), or through `sudo -n` where that works; otherwise this says
# what to install and carries on: `make run` does not need a browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BROWSER_DIR=tests/browser
STAMP=$BROWSER_DIR/node_modules/.installed-package-lock.json

have_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then
    command -v "$CHROMIUM" >/dev/null 2>&1
  else
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 126
  fi
}

apt_updated=0
apt_install() { # package...
  echo "==> apt-get install -y $* (for the browser tests)"
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update -qq || return $?
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

missing() { # what, package
  echo "warning: $1 is missing and cannot be installed without root:" \
    "run 'sudo apt-get install -y $2' (the browser tests need it)" >&2
}

if ! have_chromium; then
  status=0
  apt_install chromium || status=$?
  if [ "$status" -eq 126 ]; then
    missing "Chromium" chromium
  elif [ "$status" -ne 0 ]; then
    exit "$status"
  fi
fi

if [ ! -f "$BROWSER_DIR/node_modules/axe-core/axe.min.js" ] \
  || ! cmp -s "$BROWSER_DIR/package-lock.json" "$STAMP"; then
  if ! command -v npm >/dev/null 2>&1; then
    status=0
    apt_install npm || status=$?
    if [ "$status" -eq 126 ]; then
      missing "npm" npm
      exit 0
    elif [ "$status" -ne 0 ]; then
      exit "$status"
    fi
  fi
  echo "==> npm ci in $BROWSER_DIR (axe-core)"
  npm ci --prefix "$BROWSER_DIR" --no-audit --no-fund --loglevel=error
  cp "$BROWSER_DIR/package-lock.json" "$STAMP"
fi
