#!/usr/bin/env bash
# The whole suite on SQLite; then the database-backed suite again on PostgreSQL when one is reachable.
# Browser tests run when Debian's Chromium is installed (they skip with a reason otherwise).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
# Two workers on the 2-core machine (pytest-xdist; each worker builds its own template databases).
WORKERS="${TEST_WORKERS:-2}"

echo "== ruff =="
$BIN/ruff check platform tests || status=1

echo "== pytest on SQLite =="
GRASSROOTS_TEST_DB=sqlite $BIN/pytest -q -p no:cacheprovider -n "$WORKERS" "$@" || status=1

owner_url="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
if $BIN/python - "$owner_url" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:  # unreachable: say so and skip the PostgreSQL run
    print(f"PostgreSQL not reachable ({exc.__class__.__name__}); skipping the PostgreSQL run")
    sys.exit(1)
PY
then
  echo "== pytest on PostgreSQL =="
  TEST_DATABASE_URL="$owner_url" GRASSROOTS_TEST_DB=postgres $BIN/pytest -q -p no:cacheprovider -n "$WORKERS" \
    --ignore=tests/policy --ignore=tests/policy_packs --ignore=tests/tenants -m "not browser" "$@" || status=1
fi
exit $status
