#!/usr/bin/env bash
# Creates or reuses the project's virtual environment and installs qbtime-sync into it (editable).
#   scripts/venv.sh PYTHON VENV [EXTRAS]     e.g. scripts/venv.sh python3 .venv test
# The environment is reused while it is current: made by the same interpreter, with the same
# setup.cfg and pyproject.toml, and already holding EXTRAS. Otherwise it is (re)made. Where
# `python -m venv` cannot work (Debian without python3-venv), install-system-deps.sh installs
# the package when it can and otherwise says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${1:-python3}
venv=${2:-.venv}
extras=${3:-}

if ! command -v "$python" >/dev/null 2>&1; then
  echo "make: PYTHON=$python is not a program on PATH: install Python 3.11 or newer, or run make PYTHON=/path/to/python3" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  echo "make: qbtime-sync needs Python 3.11 or newer, but PYTHON=$python is $version: install a newer Python and run make PYTHON=python3.11 (or newer)" >&2
  exit 1
fi

# Who made the environment and from which project files: when this changes, it is not current.
identity=$("$python" -c 'import sys, os; print(os.path.realpath(sys.executable), sys.version.split()[0])')
sources=$(cat setup.cfg pyproject.toml | "$python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
stamp="$venv/.qbtime-made-with"
want_made="$identity"
want_installed="$sources extras=${extras:-none}"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(sed -n 1p "$stamp")" = "$want_made" ]; then
  have_installed=$(sed -n '2,$p' "$stamp")
  if printf '%s\n' "$have_installed" | grep -qxF "$want_installed"; then
    echo "reusing the virtual environment $venv (current)"
    exit 0
  fi
  echo "updating the virtual environment $venv (setup.cfg or the extras changed)"
else
  if [ -e "$venv" ]; then
    echo "re-creating the virtual environment $venv (made by another Python, or incomplete)"
    rm -rf "$venv"
  else
    echo "creating the virtual environment $venv with $python"
  fi
  if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    PYTHON="$python" bash scripts/install-system-deps.sh --venv-only
  fi
  "$python" -m venv "$venv"
  printf '%s\n' "$want_made" >"$stamp"
fi

spec="."
if [ -n "$extras" ]; then spec=".[$extras]"; fi
"$venv/bin/python" -m pip install --quiet -e "$spec"
# keep the line that says who made it, then every installed set (test also covers run)
{
  sed -n 1p "$stamp"
  sed -n '2,$p' "$stamp" | grep -v "^$sources " || true
  printf '%s\n' "$want_installed"
  if [ -n "$extras" ]; then printf '%s\n' "$sources extras=none"; fi
} >"$stamp.new"
mv "$stamp.new" "$stamp"
echo "installed qbtime-sync into $venv ($venv/bin/qbtime)"
