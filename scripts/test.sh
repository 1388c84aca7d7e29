#!/usr/bin/env bash
# The whole test suite: `make test`.  Starts the throwaway services the tests need
# when their programs are installed, and says clearly what it skips otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# PostgreSQL: a throwaway server on loopback in a temp dir, when the Debian package is installed.
start_postgres() {
  local bin=$1
  PG_DIR=$(mktemp -d /tmp/tmec-pg.XXXXXX)
  PG_PORT=$((20000 + RANDOM % 20000))
  AS=()
  if [ "$(id -u)" = 0 ]; then  # postgres refuses to run as root
    chown postgres "$PG_DIR" || return 1
    AS=(runuser -u postgres --)
  fi
  "${AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 || return 1
  trap '"${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
  "${AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null || return 1
  export TMEC_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL tests: throwaway server $("$bin/postgres" --version | awk '{print $3}') on port $PG_PORT"
}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -n "${TMEC_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL tests: $TMEC_TEST_POSTGRES_URL"
elif [ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_ctl" ]; then
  start_postgres "$PG_BIN" || echo "PostgreSQL tests skipped: could not start a throwaway server (see $PG_DIR)"
else
  echo "PostgreSQL tests skipped: no server binaries (apt-get install postgresql)"
fi

# Spark (engine equivalence on Spark local mode): needs pyspark (`make install EXTRAS=dev,spark`) and Java 17.
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  echo "test.sh: Spark tests SKIPPED: no Java runtime (install openjdk-17-jre-headless)" >&2
elif ! "$BIN/python" -c "import pyspark" >/dev/null 2>&1; then
  echo "test.sh: Spark tests SKIPPED: pyspark not installed (make install EXTRAS=dev,spark)" >&2
else
  echo "test.sh: Spark tests will run (pyspark and Java found)" >&2
fi

# not exec: the EXIT trap stops the throwaway PostgreSQL server
"$BIN/python" -m pytest "$@"
