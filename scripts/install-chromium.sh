#!/usr/bin/env bash
# install-chromium.sh — installs Debian's chromium (headless browser for the
# web-page tests: clear-surveil's auditor page). Idempotent: does nothing
# when chromium is already on PATH. Exits 3 when apt-get is unavailable so
# callers can skip with a clear message.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "install-chromium: $(chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not available; install Debian's chromium by hand" >&2
  exit 3
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "install-chromium: apt-get install chromium (a few minutes on first run)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
chromium --version
