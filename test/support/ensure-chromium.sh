#!/usr/bin/env bash
# Finds a Chromium for the browser tests, installing Debian's package when we can (root + apt-get).
# Prints the executable path on stdout; everything else goes to stderr. Never downloads a browser build.
set -euo pipefail

find_chromium() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if path=$(find_chromium); then
  echo "$path"
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found: installing Debian's chromium package…" >&2
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >&2; then
    if path=$(find_chromium); then
      echo "$path"
      exit 0
    fi
  fi
fi

cat >&2 <<'MSG'
error: the browser tests need Chromium and none was found.
  Install Debian's package (as root: apt-get install -y chromium), or point CHROMIUM_PATH at a Chromium binary.
MSG
exit 1
