#!/usr/bin/env bash
# Installs the Debian packages qbtime-sync needs:
#   python3.X-venv  when `python3 -m venv` cannot work (Debian and Ubuntu ship venv without ensurepip)
#   postgresql      the production store is tested on a real server
#   chromium        the admin pages are tested in a headless browser
#   --venv-only     only the first (what `make run` needs)
# Skips what is already there; uses sudo when not root. Where it cannot install (no apt-get, not
# root and no sudo) it names the packages to install and exits 1. PYTHON picks the interpreter.
set -euo pipefail

python=${PYTHON:-python3}
venv_only=false
if [ "${1:-}" = "--venv-only" ]; then venv_only=true; fi

need=()
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  venv_package="python${version}-venv"
  if command -v apt-cache >/dev/null 2>&1 && ! apt-cache show "$venv_package" >/dev/null 2>&1; then
    venv_package="python3-venv"
  fi
  need+=("$venv_package")
fi
if [ "$venv_only" = false ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then need+=(postgresql); fi
  if ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
fi
if [ ${#need[@]} -eq 0 ]; then
  if [ "$venv_only" = false ]; then echo "system packages present: python venv, postgresql, chromium"; fi
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$sudo" = "none" ]; then
  echo "please install these packages with your system's package manager (as root): ${need[*]}" \
    "(Debian/Ubuntu: apt-get install ${need[*]}), then run make again" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  echo "$python still cannot make a virtual environment after installing ${need[*]}: run make PYTHON=/usr/bin/python3, or install the venv package of $python's Python" >&2
  exit 1
fi
