#!/usr/bin/env bash
# Second README command: install what the tests need (Debian packages for PostgreSQL/PostGIS,
# GDAL's ogrinfo and chromium; the Python environment via scripts/setup.sh) and run the whole
# test suite. Extra arguments go to pytest, e.g. scripts/test.sh -m "not browser".
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(postgresql postgresql-15-postgis-3 gdal-bin chromium fonts-dejavu-core faketime)
missing=()
for p in "${debs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
  fi
fi

scripts/setup.sh --no-serve
.venv/bin/ruff check src tests benchmarks
.venv/bin/lint-imports   # package layering (pyproject.toml [tool.importlinter])
.venv/bin/mypy           # static types (pyproject.toml [tool.mypy])
mkdir -p test-artifacts
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
[ $rc -eq 5 ] && { echo "pytest collected no tests" >&2; exit 1; }
exit $rc
