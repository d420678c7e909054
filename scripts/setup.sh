#!/usr/bin/env bash
# First README command: create .venv, install the pinned dependencies, build the Region der
# Mitte database from the bundled official data and serve the atlas on http://127.0.0.1:8000.
#   scripts/setup.sh              set up, build, serve
#   scripts/setup.sh --no-serve   set up and build only (used by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

serve=1
[ "${1:-}" = "--no-serve" ] && serve=0

PY=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    PY=$cand; break
  fi
done
[ -n "$PY" ] || { echo "Python 3.11 is required (python3.11 or python3)" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  .venv/bin/python -m pip install --quiet --no-deps -e .
  echo "$want" > "$stamp"
fi

.venv/bin/regionatlas build --quiet
echo "Region der Mitte: database at var/regionatlas.gpkg"
# the platform (accounts, forum, events): var/platform.sqlite, migrated and seeded
.venv/bin/regionatlas db upgrade --quiet
.venv/bin/regionatlas platform seed --quiet
echo "Platform: database at var/platform.sqlite (first admin: regionatlas admin create-user --email … --role admin)"
if [ "$serve" = 1 ]; then
  exec .venv/bin/regionatlas serve --host 127.0.0.1 --port 8000
fi
