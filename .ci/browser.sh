#!/usr/bin/env bash
# The admin page's browser test needs Debian's chromium (driven by playwright-core from npm).
# Idempotent: does nothing when chromium is there (or CHROMIUM_PATH points to one); otherwise
# installs it with apt, and says clearly when it cannot.
set -euo pipefail
if [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]] || command -v chromium >/dev/null; then
  echo "chromium: $(chromium --version 2>/dev/null || echo "${CHROMIUM_PATH}")"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "FATAL: chromium is missing and apt-get is not available: install chromium or set CHROMIUM_PATH; test/browser cannot run." >&2
  exit 1
fi
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "FATAL: chromium is missing and installing it needs root (no sudo): apt-get install chromium, or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
echo "Installing chromium with apt (for the admin page's browser test)"
if ! ($SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium); then
  echo "FATAL: apt-get could not install chromium; test/browser cannot run." >&2
  exit 1
fi
chromium --version
