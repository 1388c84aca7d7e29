#!/usr/bin/env bash
# The whole test suite: `make test`.  Starts the throwaway services the tests need
# when their programs are installed, and says clearly what it skips otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# Spark (engine equivalence on Spark local mode): needs pyspark (`make install EXTRAS=dev,spark`) and Java 17.
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  echo "test.sh: Spark tests SKIPPED: no Java runtime (install openjdk-17-jre-headless)" >&2
elif ! "$BIN/python" -c "import pyspark" >/dev/null 2>&1; then
  echo "test.sh: Spark tests SKIPPED: pyspark not installed (make install EXTRAS=dev,spark)" >&2
else
  echo "test.sh: Spark tests will run (pyspark and Java found)" >&2
fi

exec "$BIN/python" -m pytest "$@"
