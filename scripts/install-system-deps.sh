#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: PostgreSQL (the production store is tested on a
# real server) and Chromium (the admin pages are tested in a headless browser).
# Skips what is already there; uses sudo when not root. Non-Debian machines: install them yourself.
set -euo pipefail

need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then need+=(postgresql); fi
if ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present: postgresql, chromium"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "please install these packages with your system's package manager: ${need[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing Debian packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
