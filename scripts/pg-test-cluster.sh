#!/usr/bin/env bash
# Start a throw-away PostgreSQL + PostGIS cluster for tests or benchmarks and print its URL.
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # exports REGIONATLAS_TEST_DATABASE_URL, PGTEST_DIR
#   .venv/bin/pytest -m postgis
#   scripts/pg-test-cluster.sh stop "$PGTEST_DIR"
#
# Needs Debian's postgresql-15 and postgresql-15-postgis-3 (or initdb/pg_ctl on PATH and the
# postgis extension files). Runs the server as the "postgres" user when started as root.
# pytest starts such a cluster by itself when REGIONATLAS_TEST_DATABASE_URL is unset; this
# script is for running several pytest sessions (or the benchmark) against one server.
set -euo pipefail

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
  d=$(dirname "$(readlink -f "$(command -v initdb)")") || { echo "initdb not found" >&2; exit 1; }
  echo "$d"
}

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    BIN=$(bindir)
    DIR=$(mktemp -d -t regionatlas-pg-XXXXXX)
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DIR"
    as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --no-sync --locale=C.UTF-8 >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
      start >/dev/null
    psql -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE regionatlas_test" postgres
    psql -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE EXTENSION postgis" regionatlas_test
    echo "export REGIONATLAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/regionatlas_test"
    echo "export PGTEST_DIR=$DIR"
    ;;
  stop)
    DIR=${2:?usage: $0 stop DIR}
    BIN=$(bindir)
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
