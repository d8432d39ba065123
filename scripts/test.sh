#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: quick gates, then pytest on SQLite, then
# the same on a throwaway PostgreSQL 15 cluster. Exits non-zero if any step fails.
#
# The pytest runs go in two lanes at the same time (see `lane` below), and the PostgreSQL test
# databases are set up once for both of its runs (scripts/test_databases.py).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONDONTWRITEBYTECODE=1

scripts/system-deps.sh || { echo "FAILED: could not install system packages"; exit 1; }

failed=()
step() {
  local name=$1; shift
  echo; echo "== $name"
  "$@" || failed+=("$name")
}
pytest_run() {
  "$PY" -m pytest "$@"
  local rc=$?
  # Exit 5 means pytest collected nothing: for this suite that is a broken run, not a pass.
  [ $rc -eq 5 ] && echo "pytest collected no tests for: $*"
  return $rc
}
# The pytest runs go in two lanes at the same time, each lane's runs one after another:
#   parallel (-n 2):  SQLite with coverage, then PostgreSQL
#   serial:           browser on SQLite, then servers and browser on PostgreSQL
# The serial runs mostly wait (on chromium, on servers in other processes), so beside the parallel
# runs they keep the two cores busy. Each run's output is kept and printed under its step's name
# once both lanes have ended; `run` prints one line as each run starts and ends.
logs=$(mktemp -d)
names=() args=()
add_run() { names+=("$1"); args+=("$2"); }
run() {
  local id=$1 started=$SECONDS
  echo "-- started: ${names[$id]}"
  # shellcheck disable=SC2086  # the arguments are one string each, split here on purpose
  eval "pytest_run ${args[$id]}" >"$logs/$id.log" 2>&1
  echo $? >"$logs/$id.rc"
  echo "-- ended after $((SECONDS - started)) s: ${names[$id]} (exit $(cat "$logs/$id.rc"))"
}
report_run() {
  local id=$1
  echo; echo "== ${names[$id]}"
  cat "$logs/$id.log" 2>/dev/null
  [ "$(cat "$logs/$id.rc" 2>/dev/null)" = 0 ] || failed+=("${names[$id]}")
}
deploy_check() {
  DEBUG=0 SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=papi.example.gov.vn EMAIL_HOST=smtp.example.gov.vn \
    "$PY" manage.py check --deploy --fail-level WARNING
}

step "ruff" "$PY" -m ruff check .
step "ruff format" "$PY" -m ruff format --check .
step "lock files match the top-level pins" "$PY" scripts/check_lock.py
step "migrations are up to date" env DEBUG=1 "$PY" manage.py makemigrations --check --dry-run
step "check --deploy (production settings)" deploy_check
# Coverage is measured on the SQLite run (pytest-cov across the xdist workers; pyproject.toml says
# what): it prints the total and fails below the floor, set a little under the measured figure.
add_run "tests on SQLite, with coverage" '-n 2 --dist worksteal -m "not browser and not servers" --cov --cov-report= --cov-fail-under=90'
add_run "browser tests on SQLite" '-p no:xdist -m browser'
# Real servers in their own processes (gunicorn, the worker, a small load test): they need a
# database other processes can reach, so they run on PostgreSQL only, and fail rather than skip.
# They share the serial run with the browser tests (its test database is test_papi; the parallel
# run's are test_papi_gw0 and test_papi_gw1).
add_run "tests on PostgreSQL" '-n 2 --dist worksteal -m "not browser and not servers"'
add_run "servers and browser tests on PostgreSQL" '-p no:xdist -m "servers or browser"'

pg_dir=$(mktemp -d)
chmod 755 "$pg_dir"
trap 'scripts/postgres.sh stop "$pg_dir/pg"; rm -rf "$pg_dir" "$logs"' EXIT
pg_started=0
if pg_env=$(scripts/postgres.sh start "$pg_dir/pg"); then
  pg_started=1
else
  echo "Could not start PostgreSQL:"; cat "$pg_dir"/pg/*.log 2>/dev/null | tail -n 20
  failed+=("start PostgreSQL")
fi
# The PostgreSQL test databases are migrated and loaded once, while the SQLite runs go, and copied
# for the parallel run's workers (scripts/test_databases.py); both PostgreSQL runs reuse them
# (--reuse-db). Should that fail, each run sets up its own databases as before.
if [ $pg_started = 1 ]; then
  (eval "$pg_env"; "$PY" scripts/test_databases.py gw0 gw1 >"$logs/pg-databases.log" 2>&1; echo $? >"$logs/pg-databases.rc") &
fi
pg_run() {
  while [ ! -f "$logs/pg-databases.rc" ]; do sleep 1; done
  [ "$(cat "$logs/pg-databases.rc")" = 0 ] && args[$1]+=" --reuse-db"
  eval "$pg_env"
  run "$1"
}
lane() {
  run "$1"
  [ $pg_started = 1 ] && (pg_run "$2")
}
echo
lane 0 2 &
lane 1 3 &
wait
report_run 0
report_run 1
if [ $pg_started = 1 ]; then
  echo; echo "== PostgreSQL test databases, set up once for both runs"
  cat "$logs/pg-databases.log"
  [ "$(cat "$logs/pg-databases.rc")" = 0 ] || failed+=("PostgreSQL test databases")
  report_run 2
  report_run 3
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  printf 'make test FAILED in: %s\n' "$(IFS=';'; echo "${failed[*]}")"
  exit 1
fi
echo "make test: every step passed (gates, SQLite, PostgreSQL)."
