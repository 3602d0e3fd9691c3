#!/usr/bin/env bash
# Load test: gunicorn with production settings on loopback, wrk against the public list, the
# person page, the API people list and the API change feed, at 100,000 published people.
#
#   bench/load_test.sh [CONFIG ...]        e.g. bench/load_test.sh sync:5 sync:3 gthread:2x4
#
# CONFIG is WORKER_CLASS:WORKERS or gthread:WORKERSxTHREADS (default: sync:5, i.e. 2 x cores + 1).
# Environment: DURATION (30s), CONNECTIONS (8), WRK_THREADS (2), PORT (8123), WARMUP (5s),
# ENDPOINTS (all five, space-separated), PRIME (0; 1: every URL of an endpoint's list is asked once before its warm-up, the state of a
# registry whose pages readers have all visited since the last change, so with the page cache
# on the run measures kept answers only; 0: pages first asked during the run are built then),
# BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/registry_bench), CACHE_DB (Redis
# database for the page cache, when the settings read CACHE_URL; 11), OUT (the results file).
#
# Needs the benchmark database filled and published (bench/full_pass.py, then
# bench/api_people.py), gunicorn in .venv and wrk (apt-get install wrk). Only this run turns the
# https redirect and HSTS off, because it speaks plain http on 127.0.0.1; everything else is the
# production configuration. wrk runs on the same 2 cores as gunicorn and PostgreSQL and takes
# its share of them. Writes the raw wrk output and a summary table to bench/results/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=.venv/bin/python
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-8}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-8123}
WARMUP=${WARMUP:-5s}
PRIME=${PRIME:-0}
CACHE_DB=${CACHE_DB:-11}
DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/registry_bench}
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(sync:5)
read -r -a ENDPOINTS <<<"${ENDPOINTS:-public_list person_page api_list api_cursor change_feed}"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
[ -x .venv/bin/gunicorn ] || { echo "gunicorn is not in .venv (.venv/bin/pip install gunicorn)" >&2; exit 1; }
if ss -ltn | grep -q "127.0.0.1:$PORT "; then
  echo "port $PORT is taken; set PORT" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/registry-load.XXXXXX)
GUNICORN_PID=
cleanup() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill "$GUNICORN_PID"
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Production settings, with fresh throw-away secrets; nothing here is written anywhere.
export REGISTRY_ENV=production
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
FIELD_ENCRYPTION_KEYS=$(REGISTRY_ENV=development $PY manage.py generate_field_key)
export SECRET_KEY FIELD_ENCRYPTION_KEYS
export ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=$DB_URL
export DATABASE_CONN_MAX_AGE=60
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export LOG_LEVEL=WARNING
export STATIC_ROOT=$WORK/static
# The application's throughput, not its rate limits (docs/api.md): wrk is one client at one address.
export API_THROTTLE_ANON=off API_THROTTLE_KEY=off
unset DATABASE_PUBLIC_URL CELERY_BROKER_URL DEBUG
# After SECRET_KEY: the change feed's cursors are made with it.
BENCH_DATABASE_URL=$DB_URL $PY bench/load_targets.py "$WORK/targets"
# Production serves hashed static names from a manifest: without collectstatic every page fails.
$PY manage.py collectstatic --noinput -v0
CACHE_NOTE="no CACHES setting: Django's per-process local-memory cache"
if grep -q "CACHE_URL" registry/settings.py; then
  export CACHE_URL=redis://127.0.0.1:6379/$CACHE_DB
  CACHE_NOTE="CACHE_URL=$CACHE_URL (emptied before each configuration)"
fi
GUNICORN_CONF=()
CONF_NOTE="no config file (deploy/gunicorn.conf.py absent): command-line flags only, no access log"
if [ -f deploy/gunicorn.conf.py ]; then
  GUNICORN_CONF=(-c deploy/gunicorn.conf.py)
  CONF_NOTE="deploy/gunicorn.conf.py (its access log on, to a file; max_requests, keepalive as there)"
  CONF_NOTE="$CONF_NOTE, with --bind, --workers, --worker-class, --threads on the command line"
fi

STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
COMMIT=$(git rev-parse --short HEAD)
DIRTY=$(git status --porcelain --untracked-files=no | wc -l)
mkdir -p bench/results
OUT=${OUT:-bench/results/load-$STAMP.txt}
SUMMARY="$WORK/summary"
{
  echo "# registry load test, $STAMP"
  echo "commit $COMMIT ($DIRTY tracked files modified in the working tree by concurrent work)"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB;" \
    "$(.venv/bin/gunicorn --version); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $(psql --version | cut -d' ' -f3-)"
  echo "database: $DB_URL ($(psql "$DB_URL" -Atc "SELECT count(*) FROM cases_person WHERE publication_state = 'published'") published people)"
  echo "settings: REGISTRY_ENV=production, DEBUG off, DATABASE_CONN_MAX_AGE=60, SECURE_SSL_REDIRECT=0 and" \
    "SECURE_HSTS_SECONDS=0 (plain http on loopback), LOG_LEVEL=WARNING (Django), STATIC_ROOT in a" \
    "temporary directory (collectstatic), no read replica or public role (DATABASE_PUBLIC_URL unset); $CACHE_NOTE"
  echo "gunicorn: $CONF_NOTE"
  echo "wrk: -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --timeout 10s --latency, bench/wrk/rotate.lua;" \
    "a $WARMUP warm-up run of each endpoint before the measured run is discarded;" \
    "PRIME=$PRIME$([ "$PRIME" = 1 ] && echo ' (every URL asked once before the warm-up)')"
  echo "wrk, gunicorn, PostgreSQL and Redis share the same $(nproc) cores"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} | tee "$OUT"

# CPU jiffies: all cores busy (/proc/stat), and gunicorn: the master's own time and that of the
# workers it has reaped (max_requests replaces workers during a run), plus the live workers'.
busy_jiffies() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
gunicorn_jiffies() {
  local total pid
  total=$(awk '{print $14+$15+$16+$17}' "/proc/$GUNICORN_PID/stat")
  for pid in $(pgrep -P "$GUNICORN_PID"); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# The same for PostgreSQL: the postmaster, its reaped and its live processes. It counts every
# database of the server, including any that other work on the machine uses during the run.
POSTMASTER_PID=$(pgrep -o -x postgres || true)
postgres_jiffies() {
  local total pid
  [ -n "$POSTMASTER_PID" ] || { echo 0; return; }
  total=$(awk '{print $14+$15+$16+$17}' "/proc/$POSTMASTER_PID/stat")
  for pid in $(pgrep -P "$POSTMASTER_PID"); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

for config in "${CONFIGS[@]}"; do
  class=${config%%:*}
  spec=${config#*:}
  workers=${spec%%x*}
  threads=1
  [[ $spec == *x* ]] && threads=${spec#*x}
  label="$class workers=$workers threads=$threads"
  if [ -n "${CACHE_URL:-}" ]; then
    redis-cli -n "$CACHE_DB" flushdb >/dev/null
  fi
  .venv/bin/gunicorn registry.wsgi:application "${GUNICORN_CONF[@]}" --bind "127.0.0.1:$PORT" \
    --workers "$workers" --worker-class "$class" --threads "$threads" --no-control-socket \
    >"$WORK/gunicorn.log" 2>&1 &
  GUNICORN_PID=$!
  for _ in $(seq 50); do
    curl -fso /dev/null "http://127.0.0.1:$PORT/people/bench-1/" && break
    sleep 0.2
  done
  # Every target list must answer 200 before it is loaded: a load test of error pages proves nothing.
  for endpoint in "${ENDPOINTS[@]}"; do
    while read -r path; do
      status=$(curl -so /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
      [ "$status" = 200 ] || { echo "$path answered $status" >&2; cat "$WORK/gunicorn.log" >&2; exit 1; }
    done < <(head -20 "$WORK/targets/$endpoint.txt")
  done
  for endpoint in "${ENDPOINTS[@]}"; do
    if [ "$PRIME" = 1 ]; then
      $PY bench/prime.py "http://127.0.0.1:$PORT" "$WORK/targets/$endpoint.txt"
    fi
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 10s -s bench/wrk/rotate.lua \
      "http://127.0.0.1:$PORT" -- "$WORK/targets/$endpoint.txt" >/dev/null
    read -r busy0 all0 < <(busy_jiffies)
    gunicorn0=$(gunicorn_jiffies)
    postgres0=$(postgres_jiffies)
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s bench/wrk/rotate.lua \
      "http://127.0.0.1:$PORT" -- "$WORK/targets/$endpoint.txt" >"$WORK/wrk.out"
    read -r busy1 all1 < <(busy_jiffies)
    gunicorn1=$(gunicorn_jiffies)
    postgres1=$(postgres_jiffies)
    machine=$((100 * (busy1 - busy0) / (all1 - all0)))
    own=$((100 * (gunicorn1 - gunicorn0) / (all1 - all0)))
    pg=$((100 * (postgres1 - postgres0) / (all1 - all0)))
    cpu="CPU over the run, in % of all cores: the machine ${machine}% busy; gunicorn ${own}%,"
    cpu="$cpu PostgreSQL ${pg}%, the rest (wrk, Redis, other work) $((machine - own - pg))%"
    {
      echo "== $label, $endpoint, load average $(cut -d' ' -f1-3 /proc/loadavg)"
      cat "$WORK/wrk.out"
      echo "$cpu"
      echo
    } | tee -a "$OUT"
    grep RESULT "$WORK/wrk.out" | sed "s/^RESULT/$class $workers $threads $endpoint/" >>"$SUMMARY"
  done
  # Pages whose parts public/cache.py keeps (not whole, as registry.page_cache keeps the five
  # endpoints above): the first answer after the cache is emptied, then the median of 10 answers
  # from the warm cache.
  if [ -n "${CACHE_URL:-}" ]; then
    for path in /statistics/ /articles/by-289.2/; do
      redis-cli -n "$CACHE_DB" flushdb >/dev/null
      first=$(curl -fso /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$path")
      warm=$(for _ in $(seq 10); do curl -fso /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$path"; done |
        sort -n | sed -n 5,6p | awk '{s += $1} END {printf "%.4f", s / 2}')
      echo "== $label, cached page $path: first answer (cache empty) ${first}s, warm median ${warm}s" |
        tee -a "$OUT"
    done
  fi
  if grep -qE "ERROR|Traceback|CRITICAL" "$WORK/gunicorn.log"; then
    { echo "gunicorn log of $label:"; cat "$WORK/gunicorn.log"; } | tee -a "$OUT"
  fi
  kill "$GUNICORN_PID"
  wait "$GUNICORN_PID" 2>/dev/null || true
  GUNICORN_PID=
done

{
  echo "== summary (latencies in ms; errors = non-2xx/3xx + socket errors + timeouts)"
  printf "%-8s %7s %7s %-12s %8s %8s %8s %8s %8s %6s\n" \
    class workers threads endpoint requests rps p50 p95 p99 errors
  awk '{
    for (i = 5; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    errors = v["non2xx3xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"]
    printf "%-8s %7s %7s %-12s %8s %8s %8s %8s %8s %6d\n", $1, $2, $3, $4, v["requests"], v["rps"],
      v["p50"], v["p95"], v["p99"], errors
  }' "$SUMMARY"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT"
