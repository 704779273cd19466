#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (driven by Playwright).
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Chromium..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
fi
command -v chromium >/dev/null || { echo "chromium is not installed" >&2; exit 1; }
